"""Schema migrations: the ``platform`` schema and every tenant schema.

Why not ``alembic upgrade`` once per tenant: that re-reads the scripts and ``env.py`` and
opens every schema even when nothing is to be done, which is what makes schema-per-tenant
deploys slow (django-tenants' issue tracker is full of it). Here the revision scripts are
loaded once per process, each tenant runs in one transaction on an already open connection,
and the registry's ``schema_revision`` (updated in the same transaction as the tenant's own
``alembic_version``) tells which tenants are behind without touching their schemas.

Tenant revisions are written without a schema (the runner sets a transaction-local
``search_path``), so the SQL for "revision A to revision B" is the same for every tenant except
the version table's schema. It is therefore rendered once per process with Alembic's offline
(``--sql``) machinery and sent to each tenant as one script in one round trip. In a migrate
run that script also checks the schema is at the revision the registry recorded (otherwise the
tenant is retried the slow way, from its own version table) and updates the registry row, so a
tenant costs BEGIN, one script, COMMIT: close to sending the DDL by hand (bench/tenancy.py).
As no Alembic proxy is involved while a script runs, tenants migrate concurrently in one
process. A revision that cannot be rendered offline (it reads data or inspects the live
schema) or sets ``online_only = True`` runs through Alembic on the connection instead, one at
a time (``_alembic_lock``).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import ColumnElement, literal_column, select, text, update
from sqlalchemy.orm import InstrumentedAttribute

from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.tenancy import TenantRef

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "MigrationLocked",
    "MigrationReport",
    "bootstrap_roles",
    "migrate_platform",
    "migrate_tenants",
    "platform_head",
    "servable_revision",
    "servable_tenant_revision",
    "tenant_head",
    "upgrade_tenant_schema",
]

MIGRATIONS_DIR = Path(
    os.environ.get("CASUSHUB_MIGRATIONS", Path(__file__).parents[2] / "migrations")
)
VERSION_TABLE = "alembic_version"
# One advisory lock key per kind of run, derived from a name so it cannot clash by accident.
_TENANT_LOCK = int.from_bytes(
    hashlib.sha256(b"casushub.migrate.tenants").digest()[:8], "big", signed=True
)
_PLATFORM_LOCK = int.from_bytes(
    hashlib.sha256(b"casushub.migrate.platform").digest()[:8], "big", signed=True
)

Progress = Callable[[int, int, str], None]


class MigrationLocked(RuntimeError):
    """Another process holds the migration lock."""


@dataclass
class MigrationReport:
    target: str
    total: int = 0
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    up_to_date: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    """Behind, but left alone on purpose (named with ``skip``, or suspended): slug -> why.
    They keep their revision, so they get the maintenance page until migrated."""

    @property
    def ok(self) -> bool:
        return not self.failed


def _config(kind: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR / kind))
    return cfg


@lru_cache(maxsize=2)
def _script(kind: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(kind))


def platform_head() -> str:
    head = _script("platform").get_current_head()
    assert head is not None  # noqa: S101 - the platform environment always has revisions
    return head


def tenant_head() -> str:
    head = _script("tenant").get_current_head()
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


def _upgrade_sync(connection: Connection, kind: str, schema: str, target: str) -> None:
    """Run Alembic on an open connection inside the caller's transaction."""
    script = _script(kind)

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    with EnvironmentContext(_config(kind), script, fn=upgrade, destination_rev=target) as env:
        env.configure(
            connection=connection,
            version_table_schema=schema,
            version_table=VERSION_TABLE,
            transactional_ddl=True,
        )
        env.run_migrations()


async def _set_local_search_path(conn: AsyncConnection, schema: str) -> None:
    # Transaction-local only: unqualified DDL in the revision scripts lands in this schema.
    await conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


async def upgrade_tenant_schema(conn: AsyncConnection, tenant: TenantRef, target: str) -> None:
    """Migrate one tenant inside the caller's transaction and record its revision."""
    current = await _schema_revision(conn, tenant.schema)
    if current != target:
        script = await _tenant_script(current, target)
        if script is not None:
            await _run_script(conn, tenant.schema, script)
        else:
            await _set_local_search_path(conn, tenant.schema)
            async with _alembic_lock():
                await conn.run_sync(_upgrade_sync, "tenant", tenant.schema, target)
    await conn.execute(update(Tenant).where(Tenant.id == tenant.id).values(schema_revision=target))


async def _migrate_by_script(
    engine: AsyncEngine, tenant: TenantRef, recorded: str, target: str
) -> bool:
    """A migrate run's path for one tenant: BEGIN, one script, COMMIT (as lean as by hand).

    The script checks the schema is at ``recorded`` (the registry's revision; _RevisionDrift
    when not), migrates it and updates the registry row, all in one transaction. False when
    the revisions must run through Alembic online instead.
    """
    script = await _tenant_script(recorded, target)
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


class _RevisionDrift(RuntimeError):
    """The schema's version table disagrees with the revision the registry recorded."""


_DRIFT_SQLSTATE = "CHREV"  # a class of our own: cannot be mistaken for a PostgreSQL error


def _drift_guard(recorded: str) -> str:
    # Constant identifiers; the revision id (from the registry) is quoted as a literal.
    return (
        "DO $guard$ BEGIN IF NOT EXISTS (SELECT 1 FROM "  # noqa: S608
        f"{_SCHEMA_PLACEHOLDER}.{VERSION_TABLE} WHERE version_num = {_quote_literal(recorded)}) "
        f"THEN RAISE EXCEPTION 'revision drift' USING ERRCODE = '{_DRIFT_SQLSTATE}'; "
        "END IF; END $guard$;\n"
    )


async def _schema_revision(conn: AsyncConnection, schema: str) -> str | None:
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


async def _tenant_script(start: str | None, target: str) -> str | None:
    script = _script("tenant")
    rendered = _scripts.setdefault(script, {})
    key = (start, target)
    if key not in rendered:
        # Rendering installs Alembic's global proxies: never while an online run is under way.
        async with _alembic_lock():
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
            _config("tenant"),
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
    # _schema_revision opened the caller's transaction; a script outside it would lose the
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
            raise _RevisionDrift(schema) from exc
        raise


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def bootstrap_roles(conn: AsyncConnection, settings: Settings) -> None:
    """Create the runtime login role and give it the platform schema (idempotent)."""
    app = settings.app_role
    exists = await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": app})
    if exists.first() is None:
        await conn.exec_driver_sql(f'CREATE ROLE "{app}" LOGIN NOINHERIT')
    # NOINHERIT: membership in tenant roles grants nothing until SET ROLE (docs/design.md §3).
    password = (
        f" PASSWORD {_quote_literal(settings.app_db_password)}" if settings.app_db_password else ""
    )
    await conn.exec_driver_sql(f'ALTER ROLE "{app}" LOGIN NOINHERIT{password}')
    # No tenant tables on the login role's search_path: an unmapped query must fail.
    await conn.exec_driver_sql(f'ALTER ROLE "{app}" SET search_path TO pg_catalog')
    database = (await conn.exec_driver_sql("SELECT current_database()")).scalar_one()
    await conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{app}"')
    await conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA platform TO "{app}"')
    await conn.exec_driver_sql(
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA platform TO "{app}"'
    )
    await conn.exec_driver_sql(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA platform "
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"'
    )
    # The PostgreSQL broker's queue tables (revision p0003): workers and the web enqueue and
    # consume as the runtime role; the queue's identity column needs its sequence.
    broker = await conn.exec_driver_sql("SELECT to_regnamespace('dramatiq')")
    if broker.scalar() is not None:
        await conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA dramatiq TO "{app}"')
        await conn.exec_driver_sql(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA dramatiq TO "{app}"'
        )
        await conn.exec_driver_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA dramatiq TO "{app}"')


async def migrate_platform(admin_engine: AsyncEngine, settings: Settings) -> str:
    """Bring ``platform`` to head and (re)grant the runtime role; returns the revision."""
    target = platform_head()
    async with admin_engine.begin() as conn:
        # Transaction-scoped lock: two deploys starting at once run one after the other.
        await conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PLATFORM_LOCK})")
        await conn.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS platform")
        await _set_local_search_path(conn, "platform")
        async with _alembic_lock():
            await conn.run_sync(_upgrade_sync, "platform", "platform", target)
        await bootstrap_roles(conn, settings)
    return target


async def platform_revision(conn: AsyncConnection) -> str | None:
    """The platform schema's current revision, or ``None`` when not migrated."""
    regclass = await conn.exec_driver_sql(f"SELECT to_regclass('platform.{VERSION_TABLE}')")
    if regclass.scalar() is None:
        return None
    row = await conn.exec_driver_sql(f"SELECT version_num FROM platform.{VERSION_TABLE}")  # noqa: S608 - constant identifier
    return row.scalar()


async def migrate_tenants(
    admin_engine: AsyncEngine,
    *,
    slugs: Iterable[str] | None = None,
    concurrency: int = 1,
    wait: bool = False,
    target: str | None = None,
    progress: Progress | None = None,
    skip: Iterable[str] = (),
    skip_suspended: bool = False,
) -> MigrationReport:
    """Migrate every tenant that is behind, each in its own transaction.

    A failing tenant is reported and skipped; the others go on. Re-running resumes: only
    tenants whose recorded revision differs from the target are touched. ``skip`` (slugs)
    and ``skip_suspended`` leave tenants that are behind untouched: a release can go ahead
    without a municipality that is being repaired or is not served anyway. A skipped tenant
    keeps its revision and is not served until a later run migrates it.
    """
    target = target or tenant_head()
    report = MigrationReport(target=target)
    async with admin_engine.connect() as lock_conn:
        lock_sql = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        got = (await lock_conn.exec_driver_sql(f"SELECT {lock_sql}({_TENANT_LOCK})")).scalar()
        await lock_conn.commit()
        if got is False:
            msg = (
                "Er loopt al een migratie van de gemeenteschema's. "
                "Wacht tot die klaar is of gebruik --wait."
            )
            raise MigrationLocked(msg)
        try:
            await _migrate_behind(
                admin_engine,
                report,
                slugs,
                concurrency,
                progress,
                skip=frozenset(skip),
                skip_suspended=skip_suspended,
            )
        finally:
            await lock_conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_TENANT_LOCK})")
            await lock_conn.commit()
    return report


async def _migrate_behind(
    admin_engine: AsyncEngine,
    report: MigrationReport,
    slugs: Iterable[str] | None,
    concurrency: int,
    progress: Progress | None,
    *,
    skip: frozenset[str] = frozenset(),
    skip_suspended: bool = False,
) -> None:
    query = select(Tenant.id, Tenant.slug, Tenant.status, Tenant.schema_revision).where(
        Tenant.status != TenantStatus.TERMINATED.value
    )
    wanted = set(slugs) if slugs is not None else None
    if wanted is not None:
        query = query.where(Tenant.slug.in_(wanted))
    async with admin_engine.connect() as conn:
        rows = (await conn.execute(query.order_by(Tenant.slug))).all()
    if wanted is not None:
        for missing in sorted(wanted - {row.slug for row in rows}):
            report.failed[missing] = "Onbekende gemeente (slug bestaat niet)."
    report.total = len(rows)
    behind = []
    for row in rows:
        if row.schema_revision == report.target:
            continue
        if row.slug in skip:
            report.skipped[row.slug] = "overgeslagen op verzoek (--skip)"
        elif skip_suspended and row.status == TenantStatus.SUSPENDED.value:
            report.skipped[row.slug] = "opgeschort (--skip-suspended)"
        else:
            behind.append((TenantRef(row.id, row.slug), row.schema_revision))
    report.up_to_date = len(rows) - len(behind) - len(report.skipped)

    def record(done: int, slug: str, error: str | None) -> None:
        if error is None:
            report.migrated.append(slug)
        else:
            report.failed[slug] = error
        if progress is not None:
            progress(done, len(behind), slug)

    # Concurrent tenants share this process: rendered scripts involve no Alembic proxy, and a
    # revision that must run online takes _alembic_lock, so one tenant's DDL never reaches
    # another tenant's connection.
    gate = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(tenant: TenantRef, recorded: str | None) -> None:
        nonlocal done
        async with gate:
            error = await _migrate_one(admin_engine, tenant, report.target, recorded)
        done += 1
        record(done, tenant.slug, error)

    await asyncio.gather(*(one(tenant, recorded) for tenant, recorded in behind))


async def _migrate_one(
    engine: AsyncEngine, tenant: TenantRef, target: str, recorded: str | None = None
) -> str | None:
    """Migrate one tenant in its own transaction; the error text, or ``None`` on success."""
    try:
        done = False
        if recorded is not None:
            try:
                done = await _migrate_by_script(engine, tenant, recorded, target)
            except _RevisionDrift:
                # Registry and schema disagree (changed by hand?): the schema's own version
                # table is the truth, as with plain Alembic. Nothing of the attempt was kept.
                done = False
        if not done:
            async with engine.begin() as conn:
                await upgrade_tenant_schema(conn, tenant, target)
    except Exception as exc:  # noqa: BLE001 - reported per tenant; the run goes on
        return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    return None


# Alembic's `op` and `context` are module-level proxies, so two migrations interleaving in one
# process (greenlets on one event loop) would send one tenant's DDL to another tenant's
# connection. Everything that installs them (online runs, rendering a script) therefore takes
# this lock; running an already rendered script does not need it.
_alembic_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _alembic_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _alembic_locks.get(loop)
    if lock is None:
        lock = _alembic_locks[loop] = asyncio.Lock()
    return lock
