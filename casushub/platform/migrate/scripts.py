"""A tenant's migration as one rendered SQL script: rendered once per process with Alembic's
offline (``--sql``) machinery, sent to each tenant in one round trip, guarded against a
registry that disagrees with the schema's own version table.

Tenant revisions are written without a schema (the runner sets a transaction-local
``search_path``), so the SQL for "revision A to revision B" is the same for every tenant except
the version table's schema. In a migrate run the script also checks the schema is at the
revision the registry recorded (otherwise the tenant is retried the slow way, from its own
version table) and updates the registry row, so a tenant costs BEGIN, one script, COMMIT:
close to sending the DDL by hand (bench/tenancy.py). A revision that cannot be rendered offline
(it reads data or inspects the live schema) or sets ``online_only = True`` runs through Alembic
on the connection instead, one at a time (``alembic_lock``).
"""

from __future__ import annotations

import io
import weakref
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import literal_column, text, update

from casushub.platform.migrate.revisions import (
    VERSION_TABLE,
    alembic_config,
    alembic_lock,
    script_directory,
    set_local_search_path,
    upgrade_sync,
)
from casushub.platform.models import Tenant
from casushub.platform.tenancy import TenantRef

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


async def upgrade_tenant_schema(conn: AsyncConnection, tenant: TenantRef, target: str) -> None:
    """Migrate one tenant inside the caller's transaction and record its revision."""
    current = await schema_revision(conn, tenant.schema)
    if current != target:
        script = await tenant_script(current, target)
        if script is not None:
            await _run_script(conn, tenant.schema, script)
        else:
            await set_local_search_path(conn, tenant.schema)
            async with alembic_lock():
                await conn.run_sync(upgrade_sync, "tenant", tenant.schema, target)
    await conn.execute(update(Tenant).where(Tenant.id == tenant.id).values(schema_revision=target))


async def migrate_by_script(
    engine: AsyncEngine, tenant: TenantRef, recorded: str, target: str
) -> bool:
    """A migrate run's path for one tenant: BEGIN, one script, COMMIT (as lean as by hand).

    The script checks the schema is at ``recorded`` (the registry's revision; RevisionDrift
    when not), migrates it and updates the registry row, all in one transaction. False when
    the revisions must run through Alembic online instead.
    """
    script = await tenant_script(recorded, target)
    if script is None:
        return False
    registry = _registry_update(engine.dialect, target)
    registry = registry.replace(_TENANT_ID_PLACEHOLDER, f"'{tenant.id}'")
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if driver is None:  # pragma: no cover - asyncpg connections always have one
            return False
        async with driver.transaction():
            await _execute_script(
                driver, tenant.schema, _drift_guard(recorded) + script + f"{registry};\n"
            )
    return True


# Stands for the tenant's id in the registry update (a UUID's text needs no escaping).
_TENANT_ID_PLACEHOLDER = "casushub_tenant_id_placeholder"


@lru_cache(maxsize=16)
def _registry_update(dialect: Dialect, target: str) -> str:
    """The registry row's update to ``target``, built and compiled once per revision: doing
    so per tenant was a large part of a migrate run's time in the app."""
    record = (
        update(Tenant)
        .where(Tenant.id == literal_column(_TENANT_ID_PLACEHOLDER))
        .values(schema_revision=target)
    )
    return str(record.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


class RevisionDrift(RuntimeError):
    """The schema's version table disagrees with the revision the registry recorded."""


_DRIFT_SQLSTATE = "CHREV"  # a class of our own: cannot be mistaken for a PostgreSQL error


def _drift_guard(recorded: str) -> str:
    # Constant identifiers; the revision id (from the registry) is quoted as a literal.
    return (
        "DO $guard$ BEGIN IF NOT EXISTS (SELECT 1 FROM "  # noqa: S608
        f"{_SCHEMA_PLACEHOLDER}.{VERSION_TABLE} WHERE version_num = {quote_literal(recorded)}) "
        f"THEN RAISE EXCEPTION 'revision drift' USING ERRCODE = '{_DRIFT_SQLSTATE}'; "
        "END IF; END $guard$;\n"
    )


async def schema_revision(conn: AsyncConnection, schema: str) -> str | None:
    """The revision in the schema's own version table (the truth; the registry mirrors it)."""
    table = f'"{schema}".{VERSION_TABLE}'
    exists = await conn.execute(text("SELECT to_regclass(:t)"), {"t": table})
    if exists.scalar() is None:
        return None
    row = await conn.exec_driver_sql(f"SELECT version_num FROM {table} FOR UPDATE")  # noqa: S608 - schema from a validated TenantRef
    return row.scalar()


# Stands for the tenant's schema in rendered scripts; only the version table is qualified.
_SCHEMA_PLACEHOLDER = "casushub_tenant_schema_placeholder"


# Rendered scripts per revision directory: {(from, to): SQL, or None when it must run online}.
_scripts: weakref.WeakKeyDictionary[ScriptDirectory, dict[tuple[str | None, str], str | None]] = (
    weakref.WeakKeyDictionary()
)


async def tenant_script(start: str | None, target: str) -> str | None:
    script = script_directory("tenant")
    rendered = _scripts.setdefault(script, {})
    key = (start, target)
    if key not in rendered:
        # Rendering installs Alembic's global proxies: never while an online run is under way.
        async with alembic_lock():
            if key not in rendered:
                rendered[key] = _render_sql(script, start, target)
    return rendered[key]


def _render_sql(script: ScriptDirectory, start: str | None, target: str) -> str | None:
    """The SQL that takes a tenant schema from ``start`` to ``target``, or ``None``."""
    for revision in script.iterate_revisions(target, start or "base"):
        if getattr(revision.module, "online_only", False):
            return None
    buffer = io.StringIO()

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    try:
        with EnvironmentContext(
            alembic_config("tenant"),
            script,
            fn=upgrade,
            as_sql=True,
            starting_rev=start,
            destination_rev=target,
        ) as env:
            env.configure(
                dialect_name="postgresql",
                output_buffer=buffer,
                literal_binds=True,
                version_table_schema=_SCHEMA_PLACEHOLDER,
                version_table=VERSION_TABLE,
                transactional_ddl=False,
            )
            env.run_migrations()
    except Exception:  # noqa: BLE001 - a revision that needs a live connection runs online
        return None
    return buffer.getvalue()


async def _run_script(conn: AsyncConnection, schema: str, script: str) -> None:
    """Run a rendered script for one tenant inside the caller's transaction."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    # schema_revision opened the caller's transaction; a script outside it would lose the
    # all-or-nothing guarantee.
    if driver is None or not driver.is_in_transaction():
        msg = "tenant migration must run inside a transaction"
        raise RuntimeError(msg)
    await _execute_script(driver, schema, script)


async def _execute_script(driver: Any, schema: str, script: str) -> None:
    """One simple-protocol round trip (several statements, no parameters) on asyncpg."""
    quoted = f'"{schema}"'
    try:
        await driver.execute(
            f"SET LOCAL search_path TO {quoted};\n" + script.replace(_SCHEMA_PLACEHOLDER, quoted)
        )
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == _DRIFT_SQLSTATE:
            raise RevisionDrift(schema) from exc
        raise


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
