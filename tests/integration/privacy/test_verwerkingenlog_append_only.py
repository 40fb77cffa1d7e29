"""The access log refuses changes at database level: tenant role and table owner alike."""

from __future__ import annotations

import uuid

import pytest
from privacykit import write_entries
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.verwerkingenlog.models import Verwerking


async def _one_id(app_engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> uuid.UUID:
    await write_entries(app_engine, settings, tenant, 1)
    async with tenant_session(app_engine, tenant, settings) as session:
        return (await session.execute(select(Verwerking.id).limit(1))).scalar_one()


@pytest.mark.parametrize("statement", ["update", "delete"])
async def test_tenant_role_may_not_change_the_log(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef, statement: str
) -> None:
    entry_id = await _one_id(app_engine, settings, tenant_a)
    stmt = (
        update(Verwerking).where(Verwerking.id == entry_id).values(doel="anders")
        if statement == "update"
        else delete(Verwerking).where(Verwerking.id == entry_id)
    )
    with pytest.raises(DBAPIError, match="permission denied"):
        async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
            await session.execute(stmt)


async def test_tenant_role_may_not_truncate_the_log(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    with pytest.raises(DBAPIError, match="permission denied"):
        async with app_engine.begin() as conn:
            await conn.exec_driver_sql(f'SET LOCAL ROLE "{settings.tenant_role(tenant_a.slug)}"')
            await conn.exec_driver_sql(f"TRUNCATE {tenant_a.schema}.verwerking")


async def test_tenant_role_holds_only_insert_and_select(
    admin_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    async with admin_engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_schema = $1 AND grantee = $2 "
            "AND table_name IN ('verwerking', 'verwerking_anker')",
            (tenant_a.schema, settings.tenant_role(tenant_a.slug)),
        )
        grants = {tuple(row) for row in rows}
    assert grants == {
        ("verwerking", "INSERT"),
        ("verwerking", "SELECT"),
        ("verwerking_anker", "SELECT"),
    }


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE {schema}.verwerking SET doel = 'anders' WHERE id = $1",
        "DELETE FROM {schema}.verwerking WHERE id = $1",
    ],
)
async def test_owner_is_refused_by_the_trigger(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    sql: str,
) -> None:
    entry_id = await _one_id(app_engine, settings, tenant_a)
    with pytest.raises(DBAPIError, match="alleen worden aangevuld"):
        async with admin_engine.begin() as conn:
            await conn.exec_driver_sql(sql.format(schema=tenant_a.schema), (entry_id,))


async def test_owner_may_not_truncate(admin_engine: AsyncEngine, tenant_a: TenantRef) -> None:
    with pytest.raises(DBAPIError, match="alleen worden aangevuld"):
        async with admin_engine.begin() as conn:
            await conn.exec_driver_sql(f"TRUNCATE {tenant_a.schema}.verwerking")


async def test_owner_cannot_delete_young_entries_even_with_the_purge_switch(
    admin_engine: AsyncEngine, app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    entry_id = await _one_id(app_engine, settings, tenant_a)
    with pytest.raises(DBAPIError, match="alleen worden aangevuld"):
        async with admin_engine.begin() as conn:
            await conn.exec_driver_sql(
                "SELECT set_config('casushub.verwerkingenlog_opschonen', 'aan', true)"
            )
            await conn.exec_driver_sql(
                f"DELETE FROM {tenant_a.schema}.verwerking WHERE id = $1", (entry_id,)
            )
