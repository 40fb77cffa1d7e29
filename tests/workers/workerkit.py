"""Helpers for the background-work tests: child processes, waiting with a deadline."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.jobs import JobView, get_job
from casushub.platform.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# A deadline, not a timing assertion: generous for a loaded CI machine.
WAIT_SECONDS = 120.0

# Short heartbeat and backoff so a killed worker's message comes back within seconds.
WORKER_ENV = {
    "WORKER_HEARTBEAT_TTL": "2",
    "JOB_MAX_RETRIES": "1",
    "JOB_MIN_BACKOFF_MS": "100",
    "WORKER_THREADS": "2",
    "LOG_JSON": "true",
}


# Redis keeps sixteen numbered databases: this test process takes one of its own (not 0), so
# another run on the same shared server does not take its messages.
REDIS_DB = secrets.choice(range(1, 16))


def broker_url(kind: str) -> str:
    """The broker URL of a kind: empty for PostgreSQL (the application database)."""
    if kind == "rabbitmq":
        return os.environ["RABBITMQ_URL"]
    if kind == "redis":
        base = urlsplit(os.environ["REDIS_URL"])
        database = base.path.strip("/") or str(REDIS_DB)
        return urlunsplit(base._replace(path=f"/{database}"))
    return ""


def broker_settings(settings: Settings, kind: str, url: str | None = None) -> Settings:
    return replace(
        settings,
        broker_url=broker_url(kind) if url is None else url,
        worker_heartbeat_ttl=2.0,
    )


class WorkerProcess:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []

    def drain(self) -> None:
        """Keep reading the child's output so a full pipe never blocks it."""
        assert self.process.stdout is not None
        stdout = self.process.stdout
        self._drainer = threading.Thread(target=lambda: self.lines.extend(stdout), daemon=True)
        self._drainer.start()

    def _close(self) -> None:
        drainer = getattr(self, "_drainer", None)
        if drainer is not None:
            drainer.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, no rollback from the client side."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()


def child_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(WORKER_ENV)
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "APP_DATABASE_URL": settings.app_database_url,
            "DB_ROLE_PREFIX": settings.db_role_prefix,
            "CASUSHUB_ENV": "test",
            "BROKER_URL": settings.broker_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")])),
        }
    )
    env.update(extra)
    return env


def wait_for_line(process: subprocess.Popen[str], expected: str) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise AssertionError(f"proces stopte (code {process.returncode}) vóór {expected!r}")
        if expected in line:
            return line
    raise AssertionError(f"{expected!r} niet gezien binnen {WAIT_SECONDS}s")


async def wait_for(
    check: Callable[[], Awaitable[Any]], *, what: str, seconds: float = WAIT_SECONDS
) -> Any:
    """Poll until ``check()`` returns something truthy (no timing assertions: a deadline)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"niet gebeurd binnen {seconds}s: {what}")


async def wait_for_job(
    engine: AsyncEngine, job_id: uuid.UUID, *, status: str | tuple[str, ...] = "done"
) -> JobView:
    wanted = (status,) if isinstance(status, str) else status

    async def check() -> JobView | None:
        job = await get_job(engine, job_id)
        return job if job is not None and job.status in wanted else None

    result: JobView = await wait_for(check, what=f"job {job_id} {status}")
    return result


# The `start_worker` fixture's type (tests/workers/conftest.py).
StartWorker = Callable[..., WorkerProcess]
