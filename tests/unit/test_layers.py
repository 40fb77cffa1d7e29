"""The layers of docs/design.md §3: domain code never imports the web or the queue.

Domain logic (``casushub/tenants``, ``casushub/platform``) is called by thin controllers and by
actors alike; an import the other way would tie a rule to one of them. The command-line entry
point (``casushub/platform/cli.py``) is the one place in ``platform`` that starts workers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import casushub

PACKAGE = Path(casushub.__file__).parent
# jinja2 is allowed: the inzage document a person receives is rendered in the domain.
FORBIDDEN = ("casushub.web", "casushub.workers", "litestar", "dramatiq")
ENTRY_POINTS = {PACKAGE / "platform" / "cli.py"}


def _imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def _forbidden(source: str) -> list[str]:
    return [
        name
        for name in _imports(source)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]


def test_checker_catches_layer_violations() -> None:
    assert _forbidden("from casushub.web.theming import x\nimport dramatiq") == [
        "casushub.web.theming",
        "dramatiq",
    ]
    assert _forbidden("def f():\n    from litestar import get") == ["litestar"]
    assert _forbidden("from casushub.platform.tenancy import TenantRef") == []
    assert _forbidden("import litestar_extra") == []


def test_domain_code_imports_neither_web_nor_queue() -> None:
    violations = {}
    for layer in ("tenants", "platform"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if path in ENTRY_POINTS:
                continue
            found = _forbidden(path.read_text(encoding="utf-8"))
            if found:
                violations[str(path.relative_to(PACKAGE))] = found
    assert violations == {}
