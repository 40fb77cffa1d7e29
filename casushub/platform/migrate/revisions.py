"""The two Alembic environments (``migrations/platform``, ``migrations/tenant``): their
scripts and heads, which revision the running code may serve, running Alembic on an open
connection, and the lock that keeps Alembic's global proxies to one migration at a time.
"""

from __future__ import annotations

import asyncio
import os
import re
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncConnection


MIGRATIONS_DIR = Path(
    os.environ.get("CASUSHUB_MIGRATIONS", Path(__file__).parents[3] / "migrations")
)


VERSION_TABLE = "alembic_version"


def alembic_config(kind: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR / kind))
    return cfg


@lru_cache(maxsize=2)
def script_directory(kind: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(kind))


def platform_head() -> str:
    head = script_directory("platform").get_current_head()
    assert head is not None  # noqa: S101 - the platform environment always has revisions
    return head


def tenant_head() -> str:
    head = script_directory("tenant").get_current_head()
    assert head is not None  # noqa: S101 - the tenant environment always has revisions
    return head


# Revision ids are the chain's letter and a zero-padded sequence number (p0007, t0006), so a
# newer revision sorts after an older one; tests/integration/test_migrate_scripts.py holds every
# revision to this.
REVISION_ID = re.compile(r"^[pt][0-9]{4}$")


def servable_revision(revision: str | None, head: str) -> TypeGuard[str]:
    """May code whose head is ``head`` serve a schema at ``revision``?

    Its own head, or a *newer* revision: during a rolling upgrade the migration Job moves the
    schemas before the new pods are ready, and the old pods keep serving. That is safe because
    every revision keeps the release before it working (expand, then contract: see
    docs/operations.md). A schema *behind* the code is never served: the code would use tables
    and columns that are not there yet.
    """
    return (
        revision is not None
        and REVISION_ID.match(revision) is not None
        and revision[0] == head[0]
        and revision >= head
    )


def servable_tenant_revision(column: InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
    """``servable_revision`` for the tenant chain, as a condition on a registry column."""
    head = tenant_head()
    return column.like(f"{head[0]}%") & (column >= head)


async def platform_revision(conn: AsyncConnection) -> str | None:
    """The platform schema's current revision, or ``None`` when not migrated."""
    regclass = await conn.exec_driver_sql(f"SELECT to_regclass('platform.{VERSION_TABLE}')")
    if regclass.scalar() is None:
        return None
    row = await conn.exec_driver_sql(f"SELECT version_num FROM platform.{VERSION_TABLE}")  # noqa: S608 - constant identifier
    return row.scalar()


def upgrade_sync(connection: Connection, kind: str, schema: str, target: str) -> None:
    """Run Alembic on an open connection inside the caller's transaction."""
    script = script_directory(kind)

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    with EnvironmentContext(
        alembic_config(kind), script, fn=upgrade, destination_rev=target
    ) as env:
        env.configure(
            connection=connection,
            version_table_schema=schema,
            version_table=VERSION_TABLE,
            transactional_ddl=True,
        )
        env.run_migrations()


async def set_local_search_path(conn: AsyncConnection, schema: str) -> None:
    # Transaction-local only: unqualified DDL in the revision scripts lands in this schema.
    await conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


# Alembic's `op` and `context` are module-level proxies, so two migrations interleaving in one
# process (greenlets on one event loop) would send one tenant's DDL to another tenant's
# connection. Everything that installs them (online runs, rendering a script) therefore takes
# this lock; running an already rendered script does not need it.
_alembic_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def alembic_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _alembic_locks.get(loop)
    if lock is None:
        lock = _alembic_locks[loop] = asyncio.Lock()
    return lock
