"""The migrate runs: the ``platform`` schema (with the runtime login role's grants), and every
tenant schema that is behind, each in its own transaction, under an advisory lock, with a
report of what was migrated, skipped or failed.

As no Alembic proxy is involved while a rendered script runs (``scripts``), tenants migrate
concurrently in one process; a revision that must run online takes ``alembic_lock``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from casushub.platform.migrate.revisions import (
    alembic_lock,
    platform_head,
    set_local_search_path,
    tenant_head,
    upgrade_sync,
)
from casushub.platform.migrate.scripts import (
    RevisionDrift,
    migrate_by_script,
    quote_literal,
    upgrade_tenant_schema,
)
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.tenancy import TenantRef

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings


__all__ = [
    "MigrationLocked",
    "MigrationReport",
    "bootstrap_roles",
    "migrate_platform",
    "migrate_tenants",
]


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


async def bootstrap_roles(conn: AsyncConnection, settings: Settings) -> None:
    """Create the runtime login role and give it the platform schema (idempotent)."""
    app = settings.app_role
    exists = await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": app})
    if exists.first() is None:
        await conn.exec_driver_sql(f'CREATE ROLE "{app}" LOGIN NOINHERIT')
    # NOINHERIT: membership in tenant roles grants nothing until SET ROLE (docs/design.md §3).
    password = (
        f" PASSWORD {quote_literal(settings.app_db_password)}" if settings.app_db_password else ""
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
        await set_local_search_path(conn, "platform")
        async with alembic_lock():
            await conn.run_sync(upgrade_sync, "platform", "platform", target)
        await bootstrap_roles(conn, settings)
    return target


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
    # revision that must run online takes alembic_lock, so one tenant's DDL never reaches
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
                done = await migrate_by_script(engine, tenant, recorded, target)
            except RevisionDrift:
                # Registry and schema disagree (changed by hand?): the schema's own version
                # table is the truth, as with plain Alembic. Nothing of the attempt was kept.
                done = False
        if not done:
            async with engine.begin() as conn:
                await upgrade_tenant_schema(conn, tenant, target)
    except Exception as exc:  # noqa: BLE001 - reported per tenant; the run goes on
        return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    return None
