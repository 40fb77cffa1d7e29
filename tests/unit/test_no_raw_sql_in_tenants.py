"""Tenant code must go through the ORM: its tables are the declared ones.

Raw SQL names tables as strings, which no test of the models covers and which could name
another schema (refused by the role, but a defect all the same; docs/design.md §3).
"""

from __future__ import annotations

import ast
from pathlib import Path

import casushub.tenants

FORBIDDEN_CALLS = {"text", "exec_driver_sql", "literal_column", "table", "TextClause"}
FORBIDDEN_IMPORTS = {"text", "literal_column", "table", "TextClause"}


def _violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"import {a.name}" for a in node.names if a.name in FORBIDDEN_IMPORTS]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FORBIDDEN_CALLS:
                found.append(f"{name}() on line {node.lineno}")
    return found


def test_checker_catches_raw_sql() -> None:
    assert _violations("from sqlalchemy import text\nx = text('select 1')") == [
        "import text",
        "text() on line 2",
    ]
    assert _violations("await conn.exec_driver_sql('DELETE FROM persoon')") == [
        "exec_driver_sql() on line 1"
    ]
    assert _violations("import sqlalchemy as sa\nsa.text('x')") == ["text() on line 2"]
    assert _violations("select(Persoon).where(Persoon.naam == 'x')") == []


def test_tenant_packages_use_no_raw_sql() -> None:
    root = Path(casushub.tenants.__file__).parent
    offenders = {
        str(path.relative_to(root)): found
        for path in sorted(root.rglob("*.py"))
        if (found := _violations(path.read_text()))
    }
    assert offenders == {}
