"""The access log's core: entries appended in the caller's transaction, chained by hash."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import GENESIS, entry_hash, record

ACTOR = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie")


async def test_entries_chain_and_rollback_leaves_no_entry(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    casus_id = uuid.uuid4()
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        await record(
            session, ACTOR, actie=Actie.READ, gegevensgroep="casus", doel="test", casus_id=casus_id
        )
        await record(
            session,
            ACTOR,
            actie=Actie.UPDATE,
            gegevensgroep="casus",
            doel="test",
            casus_id=casus_id,
        )
    async with tenant_session(app_engine, tenant_a, settings) as session:
        first, second = (
            await session.execute(
                select(Verwerking)
                .where(Verwerking.casus_id == casus_id)
                .order_by(Verwerking.volgnummer)
            )
        ).scalars()
    assert second.volgnummer == first.volgnummer + 1
    assert second.vorige_hash == first.hash
    assert (first.hash, second.hash) == (entry_hash(first), entry_hash(second))
    assert (first.actie, second.actie) == ("read", "update")

    with pytest.raises(RuntimeError, match="afgebroken"):
        async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
            await record(
                session,
                ACTOR,
                actie=Actie.READ,
                gegevensgroep="casus",
                doel="weg",
                casus_id=casus_id,
            )
            raise RuntimeError("afgebroken")
    async with tenant_session(app_engine, tenant_a, settings) as session:
        doelen = (
            await session.execute(select(Verwerking.doel).where(Verwerking.casus_id == casus_id))
        ).scalars()
        assert list(doelen) == ["test", "test"]


async def test_each_tenant_has_its_own_chain(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef, tenant_b: TenantRef
) -> None:
    marker = uuid.uuid4()
    async with tenant_session(app_engine, tenant_b, settings) as session, session.begin():
        await record(
            session, ACTOR, actie=Actie.READ, gegevensgroep="casus", doel="b", casus_id=marker
        )
    async with tenant_session(app_engine, tenant_a, settings) as session:
        seen = await session.execute(select(Verwerking).where(Verwerking.casus_id == marker))
        assert seen.first() is None
    async with tenant_session(app_engine, tenant_b, settings) as session:
        first = (
            await session.execute(select(Verwerking).order_by(Verwerking.volgnummer).limit(1))
        ).scalar_one()
        assert first.vorige_hash == GENESIS


async def test_record_refuses_a_session_without_tenant(app_engine: AsyncEngine) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(app_engine) as session:
        with pytest.raises(RuntimeError, match="tenant-sessie"):
            await record(session, ACTOR, actie=Actie.READ, gegevensgroep="casus", doel="x")
