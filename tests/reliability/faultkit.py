"""Helpers for the fault tests: an embedded PostgreSQL of their own, the app under uvicorn.

The shared test server (tests/conftest.py ``server_url``) is used by every other test in the
session, so the tests that stop PostgreSQL start their own cluster in a temporary directory
and stop/start only that one. Waits have deadlines; nothing here asserts on timings.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from dbkit import migrated_database

from casushub.platform.devdb import start_embedded
from casushub.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# A deadline, not a timing assertion: generous for a loaded two-core CI machine.
WAIT_SECONDS = 120.0
PG_SYSTEM_USER = "embedded_postgres"


async def wait_for(
    check: Callable[[], Awaitable[Any]], *, what: str, seconds: float = WAIT_SECONDS
) -> Any:
    """Poll until ``check()`` returns something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"niet gebeurd binnen {seconds}s: {what}")


class OwnCluster:
    """An embedded PostgreSQL in a temporary directory that the test may stop and start."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="casushub-fault-pg-"))
        self.pgdata = self.base / "pg"
        self.server, self.url = start_embedded(self.pgdata, cleanup_mode="delete")
        self.stops = 0

    def _pg_ctl(self, *args: str) -> None:
        # The module makes one function per bundled binary when imported, out of mypy's sight.
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        user = PG_SYSTEM_USER if os.geteuid() == 0 else None
        pg_ctl(list(args), pgdata=self.pgdata.resolve(), user=user, timeout=60)

    def stop(self) -> None:
        """Fast shutdown, as an operator's restart does: open connections are cut."""
        self._pg_ctl("-w", "stop", "-m", "fast")
        self.stops += 1

    def start(self) -> None:
        # The wheel's own start routine, so the socket directory (and the URL) stay the same.
        with self.server._lock:
            self.server.ensure_postgres_running()
        url = str(self.server.get_uri())
        assert url == self.url, f"nieuwe URL na herstart: {url} != {self.url}"

    def cleanup(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


async def new_database(server_url: str) -> Settings:
    """A fresh platform-migrated database on ``server_url`` (as tests/conftest.py makes one).

    Not dropped afterwards: it lives on an ``OwnCluster``, whose directory is deleted whole.
    """
    settings: Settings = await migrated_database(
        server_url, database_prefix="casushub_fault_", role_prefix="chf"
    )
    return settings


def child_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "APP_DATABASE_URL": settings.app_database_url,
            "DB_ROLE_PREFIX": settings.db_role_prefix,
            "CASUSHUB_ENV": "test",
            "SECURE_COOKIES": "false",
            "SECRET_KEY": settings.secret_key,
            "DATA_DIR": str(settings.data_dir),
            "BROKER_URL": settings.broker_url,
        }
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveApp:
    """The real app under uvicorn on a free loopback port; its output goes to a log file."""

    def __init__(
        self, settings: Settings, log_name: str, *, port: int | None = None, **extra_env: str
    ) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / log_name
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "casushub.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
                command,
                cwd=ROOT,
                env=child_env(settings, **extra_env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"uvicorn stopte met {self.process.returncode}:\n{self.log()[-3000:]}"
                raise AssertionError(msg)
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"uvicorn antwoordde niet op /healthz binnen {WAIT_SECONDS}s")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


# --- a worker of the fault tests, and the scheduler's outbox sweep ---------------------------

WORKERS_DIR = ROOT / "tests" / "workers"  # the probe actors live there
# Short heartbeat and backoff, as tests/workers uses: a killed worker's message returns fast.
WORKER_ENV = {
    "WORKER_HEARTBEAT_TTL": "2",
    "JOB_MAX_RETRIES": "3",
    "JOB_MIN_BACKOFF_MS": "100",
    "WORKER_THREADS": "2",
    "LOG_JSON": "true",
    "PYTHONPATH": str(WORKERS_DIR),
}
SWEEP = (
    "from casushub.platform.settings import get_settings\n"
    "from casushub.workers.broker import configure\n"
    "configure(get_settings())\n"
    "from casushub.workers.actors import outbox_sweep\n"
    "outbox_sweep.send()\n"
)


def start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "casushub", "worker", "probe_actors"],
            cwd=ROOT,
            env=child_env(settings, **WORKER_ENV),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def run_sweep(settings: Settings) -> bool:
    try:
        result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
            [sys.executable, "-c", SWEEP],
            cwd=ROOT,
            env=child_env(settings, **WORKER_ENV),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:  # the broker's pool keeps retrying a dead server
        return False
    return result.returncode == 0
