"""Without Chromium the browser tests skip loudly; under ``CI=true`` that skip fails the run.

A pytest of one browser test in a child process, with Chromium pointed at a path that does
not exist (``CHROMIUM_PATH``): the skip happens before any database or server is started, so
the child needs none of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_BROWSER_TEST = (
    "tests/browser/test_accessibility.py::test_form_with_errors_has_no_wcag_violations"
)


def _run(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CHROMIUM_PATH"] = str(ROOT / "bestaat-niet" / "chromium")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            ONE_BROWSER_TEST,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_missing_chromium_skips_loudly_outside_ci() -> None:
    result = _run(None)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 skipped" in output
    assert "BROWSER TESTS SKIPPED" in output


def test_missing_chromium_fails_the_run_under_ci() -> None:
    result = _run("true")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "CI=true: browsertest overgeslagen" in output
    assert "Chromium ontbreekt" in output
    assert "skipped" not in output.splitlines()[-1]
