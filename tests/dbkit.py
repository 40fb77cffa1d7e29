"""A fresh platform-migrated test database; shared by tests/conftest.py and the fault tests.

Importable as ``dbkit``: pytest puts this folder on sys.path for tests/conftest.py.
"""

from __future__ import annotations

import secrets
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
