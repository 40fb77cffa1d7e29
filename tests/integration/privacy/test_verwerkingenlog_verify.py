"""``casushub audit verify``: a tampered chain is found, with the exact entry reported."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from dbkit import casushub_cli
from privacykit import FreshTenant, append_backdated, write_entries
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.verwerkingenlog.chain import ChainReport, purge_before, verify_chain


async def _tamper(admin_engine: AsyncEngine, tenant: TenantRef, sql: str) -> None:
    """What a rogue owner could do: switch the guard off, change a row, switch it on."""
    table = f"{tenant.schema}.verwerking"
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        await conn.exec_driver_sql(sql.format(table=table))
        await conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


async def _verify(app_engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> ChainReport:
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        return await verify_chain(session)


async def test_intact_chain_verifies(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    await write_entries(app_engine, settings, tenant, 5)
    report = await _verify(app_engine, settings, tenant)
    assert report.ok
    assert report.checked == 5
    assert report.head is not None
    assert report.head[0] == 5


@pytest.mark.parametrize(
    ("sql", "broken_at", "reason"),
    [
        ("UPDATE {table} SET doel = 'iets anders' WHERE volgnummer = 3", 3, "gewijzigd"),
        ("DELETE FROM {table} WHERE volgnummer = 4", 4, "ontbreekt"),
        (
            "UPDATE {table} SET vorige_hash = repeat('a', 64) WHERE volgnummer = 2",
            2,
            "vorige regel",
        ),
    ],
)
async def test_tampering_is_found_at_the_exact_entry(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
    sql: str,
    broken_at: int,
    reason: str,
) -> None:
    tenant = await fresh_tenant()
    await write_entries(app_engine, settings, tenant, 6)
    await _tamper(admin_engine, tenant, sql)
    report = await _verify(app_engine, settings, tenant)
    assert not report.ok
    assert report.broken_at == broken_at
    assert reason in (report.reason or "")


async def test_cli_reports_the_broken_entry_and_exits_non_zero(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    intact = await fresh_tenant()
    await write_entries(app_engine, settings, tenant, 4)
    await write_entries(app_engine, settings, intact, 2)
    good = await asyncio.to_thread(
        casushub_cli, settings, "audit", "verify", "--tenant", intact.slug
    )
    assert good.returncode == 0, good.stderr
    assert f"{intact.slug}: in orde (2 regels" in good.stdout

    await _tamper(admin_engine, tenant, "UPDATE {table} SET rol = 'x' WHERE volgnummer = 2")
    bad = await asyncio.to_thread(
        casushub_cli, settings, "audit", "verify", "--tenant", tenant.slug
    )
    assert bad.returncode == 1
    assert f"{tenant.slug}: GEBROKEN bij volgnummer 2" in bad.stderr

    everyone = await asyncio.to_thread(casushub_cli, settings, "audit", "verify")
    assert everyone.returncode == 1
    assert f"{intact.slug}: in orde" in everyone.stdout
    assert f"{tenant.slug}: GEBROKEN bij volgnummer 2" in everyone.stderr

    unknown = await asyncio.to_thread(
        casushub_cli, settings, "audit", "verify", "--tenant", "bestaatniet"
    )
    assert unknown.returncode == 1


async def test_log_retention_removes_an_old_prefix_and_the_chain_still_verifies(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    now = datetime.now(UTC)
    old = [now - timedelta(days=3 * 365 + i) for i in (3, 2, 1)]
    await append_backdated(admin_engine, tenant, old)
    await write_entries(app_engine, settings, tenant, 2)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        removed = await purge_before(session, now - timedelta(days=2 * 365))
    assert removed == 3
    report = await _verify(app_engine, settings, tenant)
    assert report.ok, report.reason
    assert report.checked == 2
    assert report.head is not None
    assert report.head[0] == 5


async def test_log_retention_refuses_a_limit_younger_than_a_year(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    await write_entries(app_engine, settings, tenant, 1)
    with pytest.raises(DBAPIError, match="minstens een jaar"):
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            await purge_before(session, datetime.now(UTC) - timedelta(days=30))
