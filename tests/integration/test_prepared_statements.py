"""One prepared statement serves every tenant on a pooled connection, never across tenants.

Tenant SQL names no schema; the transaction's ``search_path`` picks the tenant's tables
(casushub.platform.tenancy). PostgreSQL re-plans a prepared statement whose ``search_path``
changed since its last use, so these tests check both what each tenant reads and what the
server holds (``pg_prepared_statements``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.database import create_app_engine
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.personen.models import Persoon


@pytest.fixture
async def one_connection(settings: Settings) -> AsyncIterator[AsyncEngine]:
    # One pool slot used one request at a time: every session below gets the same backend.
    engine = create_app_engine(replace(settings, db_pool_size=1))
    yield engine
    await engine.dispose()


async def _prepared(conn: AsyncConnection) -> list[str]:
    rows = await conn.execute(text("SELECT statement FROM pg_prepared_statements"))
    return [str(statement) for statement in rows.scalars()]


async def _backend(conn: AsyncConnection) -> int:
    return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_one_prepared_statement_reads_each_tenants_own_rows_in_turn(
    one_connection: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    for tenant, naam in ((tenant_a, "Beurt-Alfa"), (tenant_b, "Beurt-Bravo")):
        async with tenant_session(one_connection, tenant, settings) as session, session.begin():
            session.add(Persoon(naam=naam, gemeente_van_verblijf="9801"))
    async with one_connection.connect() as conn:
        backend = await _backend(conn)
    for _ in range(4):
        for tenant, own, other in (
            (tenant_a, "Beurt-Alfa", "Beurt-Bravo"),
            (tenant_b, "Beurt-Bravo", "Beurt-Alfa"),
        ):
            async with tenant_session(one_connection, tenant, settings) as session:
                names = set((await session.execute(select(Persoon.naam))).scalars())
            assert own in names
            assert other not in names
    async with one_connection.connect() as conn:
        assert await _backend(conn) == backend
        prepared = await _prepared(conn)
    # The same text for both tenants, prepared once on this connection, naming no schema.
    persoon_reads = [s for s in prepared if "FROM persoon" in s and "naam" in s]
    assert len(persoon_reads) == 1, prepared
    assert not any(t.schema in s for s in prepared for t in (tenant_a, tenant_b)), prepared
