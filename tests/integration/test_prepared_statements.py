"""Prepared statements with many tenants (issue 11): fast, bounded, and never across tenants.

One pooled connection serves every tenant in turn; its caches decide only how a statement is
sent (casushub.platform.prepared_statements), so these tests check what the server holds
(``pg_prepared_statements``) and what each tenant reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.database import create_app_engine
from casushub.platform.prepared_statements import TENANT_SEEN, TENANT_STATEMENTS
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.personen.models import Persoon

PLATFORM_SQL = "SELECT count(*) FROM platform.tenants"
SQLALCHEMY_DEFAULT_CACHE = 100  # its asyncpg prepared_statement_cache_size


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


async def test_tenants_taking_turns_on_one_connection_each_read_their_own(
    one_connection: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    for tenant, naam in ((tenant_a, "Beurt-Alfa"), (tenant_b, "Beurt-Bravo")):
        async with tenant_session(one_connection, tenant, settings) as session, session.begin():
            session.add(Persoon(naam=naam, gemeente_van_verblijf="9801"))
    # The same statement for both schemas, first as the unnamed statement, then prepared.
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
        prepared = await _prepared(conn)
    for tenant in (tenant_a, tenant_b):
        assert any(f"{tenant.schema}.persoon" in s for s in prepared), prepared


async def test_many_tenant_statements_neither_evict_platform_ones_nor_pile_up(
    one_connection: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    async with one_connection.connect() as conn:
        backend = await _backend(conn)
        await conn.execute(text(PLATFORM_SQL))
    # More than SQLAlchemy's own LRU (100) would hold beside the platform statement and more
    # than the tenant cache keeps, few enough to be remembered as seen.
    count = TENANT_SEEN - 8
    assert count > SQLALCHEMY_DEFAULT_CACHE
    assert count > TENANT_STATEMENTS * 1.5
    distinct = [
        f"SELECT count(*) FROM {tenant_a.schema}.persoon WHERE {i} > 0" for i in range(count)
    ]

    async def run_all_and_list_prepared() -> list[str]:
        async with tenant_session(one_connection, tenant_a, settings) as session:
            for sql in distinct:
                await session.execute(text(sql))
        async with one_connection.connect() as conn:
            assert await _backend(conn) == backend
            return await _prepared(conn)

    once = await run_all_and_list_prepared()
    # Seen once: sent unnamed, nothing left on the server.
    assert not [s for s in once if tenant_a.schema in s]
    assert PLATFORM_SQL in once

    twice = await run_all_and_list_prepared()
    # Seen again: prepared, but only as many as the tenant cache holds; the rest were closed.
    kept = [s for s in twice if tenant_a.schema in s]
    assert kept
    assert len(kept) <= TENANT_STATEMENTS * 1.5  # SQLAlchemy's LRUCache prunes at 150 %
    assert PLATFORM_SQL in twice
