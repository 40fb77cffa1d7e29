"""A fresh platform-migrated test database, shared by tests/conftest.py and the fault tests; a
tenant in it with a gemeentecode no other test holds; and
the ``casushub`` command (a one-off command, or a worker) run against a test database in a child
process.

Importable as ``dbkit``: pytest puts this folder on sys.path for tests/conftest.py.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine
from casushub.platform.devdb import create_database, with_database
from casushub.platform.migrate.runs import migrate_platform
from casushub.platform.registry import RegistryError, create_tenant
from casushub.platform.settings import Settings, asyncpg_url, url_with_user
from casushub.platform.tenancy import TenantRef


async def migrated_database(
    server_url: str,
    *,
    database_prefix: str,
    role_prefix: str,
    created: list[tuple[str, str]] | None = None,
) -> Settings:
    """Creates a database on ``server_url`` with its own role prefix and migrates the platform.

    Roles are cluster-wide, so each database gets a prefix of its own. ``created`` receives
    (database, role prefix) as soon as the database exists, so the caller can drop it even
    when the migration fails.
    """
    suffix = secrets.token_hex(4)
    database, prefix = f"{database_prefix}{suffix}", f"{role_prefix}{suffix}"
    await create_database(server_url, database)
    if created is not None:
        created.append((database, prefix))
    url = asyncpg_url(with_database(server_url, database))
    settings = replace(
        Settings(),
        environment="test",
        database_url=url,
        app_database_url=url_with_user(url, f"{prefix}_app", ""),
        db_role_prefix=prefix,
        secure_cookies=False,
        secret_key="test-secret-key-0123456789abcdef0123",
        log_json=True,
        db_pool_size=5,
        db_pool_guard=True,
        # Files (exports, backups) of this database only: the default .data of the checkout
        # outlives the run, and a later run's tenant with the same slug would find them.
        data_dir=Path(tempfile.mkdtemp(prefix=f"{database}-files-")),
    )
    engine = create_admin_engine(settings)
    try:
        await migrate_platform(engine, settings)
    finally:
        await engine.dispose()
    return settings


async def tenant_with_free_code(
    admin_engine: AsyncEngine, settings: Settings, *, hub: str, slug: str, name: str, codes: range
) -> TenantRef:
    """A tenant whose gemeentecode is drawn from ``codes`` until one is free: tests running on
    the same database may hold a code of that range."""
    for _ in range(50):
        try:
            return await create_tenant(
                admin_engine,
                settings,
                slug=slug,
                name=name,
                gemeentecode=f"{secrets.choice(codes):04d}",
                hub_slug=hub,
            )
        except RegistryError as exc:
            if exc.field != "gemeentecode":
                raise
    raise AssertionError("geen vrije gemeentecode")


ROOT = Path(__file__).resolve().parents[1]
# A deadline for a loaded machine, not a timing assertion.
WORKER_START_SECONDS = 180.0


def _child_env(settings: Settings, **extra_env: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "CASUSHUB_ENV": "test",
        "DATA_DIR": str(settings.data_dir),
        **extra_env,
    }


def casushub_cli(
    settings: Settings, *args: str, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m casushub ARGS`` against the database of ``settings``; its output captured."""
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "casushub", *args],
        cwd=ROOT,
        env=_child_env(settings, **extra_env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@contextmanager
def casushub_worker(
    settings: Settings,
    *,
    threads: int = 1,
    output: deque[str] | None = None,
    **extra_env: str,
) -> Iterator[subprocess.Popen[str]]:
    """A real ``casushub worker`` on the PostgreSQL broker, yielded once it has started and
    stopped afterwards; its output is read on so a full pipe never blocks it, into ``output``
    when given (a bounded deque keeps the last lines to explain a job that never finished)."""
    lines: deque[str] = deque(maxlen=200) if output is None else output
    lines.clear()
    env = _child_env(settings, BROKER_URL="", WORKER_THREADS=str(threads), **extra_env)
    process = subprocess.Popen(
        [sys.executable, "-m", "casushub", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stdout = process.stdout
    assert stdout is not None
    deadline = time.monotonic() + WORKER_START_SECONDS
    while "casushub worker gestart" not in (line := stdout.readline()):
        lines.append(line)
        if (not line and process.poll() is not None) or time.monotonic() > deadline:
            process.kill()
            process.wait()
            msg = f"de worker startte niet (code {process.returncode}):\n" + "".join(lines)
            raise AssertionError(msg)
    drainer = threading.Thread(target=lines.extend, args=(stdout,), daemon=True)
    drainer.start()
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        drainer.join(timeout=10)
        stdout.close()
