"""A fresh platform-migrated test database, shared by tests/conftest.py and the fault tests, and
the ``casushub`` command run against a test database in a child process.

Importable as ``dbkit``: pytest puts this folder on sys.path for tests/conftest.py.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from casushub.platform.database import create_admin_engine
from casushub.platform.devdb import create_database, with_database
from casushub.platform.migrate.runs import migrate_platform
from casushub.platform.settings import Settings, asyncpg_url, url_with_user


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


ROOT = Path(__file__).resolve().parents[1]


def casushub_cli(
    settings: Settings, *args: str, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m casushub ARGS`` against the database of ``settings``; its output captured."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "CASUSHUB_ENV": "test",
        "DATA_DIR": str(settings.data_dir),
        **extra_env,
    }
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "casushub", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
