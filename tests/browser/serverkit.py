"""The app under test and the browser that drives it, for tests/browser/conftest.py: where
Chromium is (or why the browser tests skip), how it is launched, whether this is CI, the app
under uvicorn on a free loopback port (the tests' server and the demo region's)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from casushub.platform.settings import Settings

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "LAUNCH_ARGS",
    "SERVER_LOG",
    "chromium_problem",
    "free_port",
    "running_in_ci",
    "serve",
    "wait_until_up",
]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# One log per xdist worker: each runs its own server, and they must not write one file.
SERVER_LOG = f"browser-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def running_in_ci() -> bool:
    """``CI=true`` (GitHub Actions, GitLab, most CI systems set it; `.ci/run` is run there)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def chromium_problem() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"Chromium ontbreekt ({CHROMIUM}): browser tests OVERGESLAGEN. "
            "Installeer met `make chromium` (apt-get install -y chromium)."
        )
    try:
        import playwright  # noqa: F401 - only checking that it is installed
    except ImportError:
        return "Python-pakket playwright ontbreekt: browser tests OVERGESLAGEN (make deps)."
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(
    server: subprocess.Popen[bytes], base_url: str, log_name: str = SERVER_LOG
) -> None:
    # A startup deadline, not a timing assertion: the app normally answers within a second.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (ARTIFACTS / log_name).read_text()
            pytest.fail(f"uvicorn stopped with {server.returncode}:\n{log[-3000:]}")
        try:
            if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer /healthz within 120 s (test-artifacts/{log_name})")


@contextmanager
def serve(settings: Settings, log_name: str) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, on ``settings``' database; its output
    goes to test-artifacts/``log_name``. Stopped when the block ends."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "CASUSHUB_ENV": "test",
        "SECURE_COOKIES": "false",
        "SECRET_KEY": settings.secret_key,
        "DATA_DIR": str(settings.data_dir),
        # The journeys sign in at the development provider, which sends them back here.
        "BASE_URL": base_url,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "casushub.web.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with (ARTIFACTS / log_name).open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - fixed argv
        try:
            wait_until_up(server, base_url, log_name)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
