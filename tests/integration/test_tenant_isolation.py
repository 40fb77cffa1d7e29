"""Permanent cross-tenant tests: the two locks (translate map + SET LOCAL ROLE) each hold."""

from __future__ import annotations

from typing import cast

import pytest
from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.personen.models import Persoon


async def _add(engine: AsyncEngine, tenant: TenantRef, settings: Settings, naam: str) -> None:
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        session.add(Persoon(naam=naam, gemeente_van_verblijf="9801"))


async def _names(engine: AsyncEngine, tenant: TenantRef, settings: Settings) -> set[str]:
    async with tenant_session(engine, tenant, settings) as session:
        return set((await session.execute(select(Persoon.naam))).scalars())


async def test_orm_reads_and_writes_stay_in_own_tenant(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    await _add(app_engine, tenant_a, settings, "Alleen-in-Alfa")
    await _add(app_engine, tenant_b, settings, "Alleen-in-Bravo")

    names_a = await _names(app_engine, tenant_a, settings)
    names_b = await _names(app_engine, tenant_b, settings)

    assert "Alleen-in-Alfa" in names_a
    assert "Alleen-in-Bravo" not in names_a
    assert "Alleen-in-Bravo" in names_b
    assert "Alleen-in-Alfa" not in names_b


async def test_object_of_other_tenant_is_not_found_by_id(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    async with tenant_session(app_engine, tenant_b, settings) as session, session.begin():
        persoon = Persoon(naam="Bravo-persoon", gemeente_van_verblijf="9802")
        session.add(persoon)
    async with tenant_session(app_engine, tenant_a, settings) as session:
        assert await session.get(Persoon, persoon.id) is None


async def test_update_from_tenant_a_cannot_touch_rows_of_b(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    await _add(app_engine, tenant_b, settings, "Onaantastbaar")
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        await session.execute(
            cast(Table, Persoon.__table__)
            .update()
            .where(Persoon.naam == "Onaantastbaar")
            .values(naam="Gewijzigd")
        )
    assert "Onaantastbaar" in await _names(app_engine, tenant_b, settings)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT count(*) FROM {schema}.persoon",
        "INSERT INTO {schema}.persoon (id, naam, gemeente_van_verblijf) "
        "VALUES (gen_random_uuid(), 'x', '9802')",
        "DELETE FROM {schema}.persoon",
    ],
)
async def test_raw_sql_naming_other_schema_is_denied(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    statement: str,
) -> None:
    async with tenant_session(app_engine, tenant_a, settings) as session:
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text(statement.format(schema=tenant_b.schema)))


async def test_tenant_role_and_search_path_do_not_outlive_the_transaction(
    settings: Settings, tenant_a: TenantRef
) -> None:
    # One pooled connection, so the tenant transaction and the checks after it share it.
    engine = create_async_engine(settings.app_database_url, pool_size=1, max_overflow=0)
    try:
        async with tenant_session(engine, tenant_a, settings) as session:
            inside = (await session.execute(text("SELECT current_user"))).scalar()
            await session.execute(select(func.count()).select_from(Persoon))
        async with engine.connect() as conn:
            after = (await conn.execute(text("SELECT current_user"))).scalar()
            path = (await conn.execute(text("SHOW search_path"))).scalar()
    finally:
        await engine.dispose()
    assert inside == settings.tenant_role(tenant_a.slug)
    assert after == settings.app_role
    assert tenant_a.schema not in str(path)


async def test_session_without_tenant_cannot_touch_tenant_tables(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    async with AsyncSession(app_engine) as session:
        # Unmapped: the login role's search_path holds no tenant tables.
        with pytest.raises(ProgrammingError, match="does not exist"):
            await session.execute(select(func.count()).select_from(Persoon))
    async with AsyncSession(app_engine) as session:
        # Named schema: NOINHERIT means membership alone grants nothing.
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text(f"SELECT count(*) FROM {tenant_a.schema}.persoon"))


async def test_tenant_role_cannot_read_platform_or_alter_own_tables(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    async with tenant_session(app_engine, tenant_a, settings) as session:
        with pytest.raises(DBAPIError, match="permission denied"):
            await session.execute(text("SELECT count(*) FROM platform.tenants"))
    async with tenant_session(app_engine, tenant_a, settings) as session:
        with pytest.raises(DBAPIError, match="must be owner"):
            await session.execute(text(f"DROP TABLE {tenant_a.schema}.persoon"))
