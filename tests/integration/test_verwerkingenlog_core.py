"""The access log's core: entries appended in the caller's transaction, chained by hash."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.chain import verify_chain
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import (
    GENESIS,
    Regel,
    entry_hash,
    record,
    record_many,
)
from casushub.web.errors import BAD_CHARACTER_SQLSTATES

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


async def test_record_many_stores_what_it_hashed(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    """Every kind of value, absent ones included, is stored as it was hashed: the hash the
    check recomputes from the stored row is the one written."""
    tenant = await fresh_tenant()
    casus_id, persoon_id = uuid.uuid4(), uuid.uuid4()
    anonymous = Actor(user_id=None, organisation_id=None, role="systeem", request_id=None)
    regels = [
        Regel(Actie.READ, "casus", "uitvoering casusoverleg", casus_id=casus_id),
        Regel(Actie.SEARCH, "persoon", "zoeken", detail="zoekterm: Çelik–Ørsted \x1f ‘x’"),
        Regel(Actie.EXPORT, "signaal", "inzageverzoek", persoon_id=persoon_id, detail=""),
    ]
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await record_many(session, ACTOR, regels[:1])
        await record_many(session, anonymous, regels[1:])
    async with tenant_session(app_engine, tenant, settings) as session:
        rows = (
            (await session.execute(select(Verwerking).order_by(Verwerking.volgnummer)))
            .scalars()
            .all()
        )
        report = await verify_chain(session)
    assert [row.volgnummer for row in rows] == [1, 2, 3]
    assert [row.hash for row in rows] == [entry_hash(row) for row in rows]
    assert [row.vorige_hash for row in rows] == [GENESIS, rows[0].hash, rows[1].hash]
    assert [(r.actie, r.gegevensgroep, r.doel) for r in rows] == [
        ("read", "casus", "uitvoering casusoverleg"),
        ("search", "persoon", "zoeken"),
        ("export", "signaal", "inzageverzoek"),
    ]
    assert (rows[0].user_id, rows[0].organisation_id) == (ACTOR.user_id, ACTOR.organisation_id)
    assert (rows[0].casus_id, rows[0].persoon_id) == (casus_id, None)
    assert (rows[1].user_id, rows[1].rol, rows[1].request_id) == (None, "systeem", None)
    assert rows[1].detail == "zoekterm: Çelik–Ørsted \x1f ‘x’"
    assert (rows[2].persoon_id, rows[2].detail) == (persoon_id, None)
    assert report.ok
    assert report.checked == 3


async def test_concurrent_appends_keep_one_chain(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    """Appends of one tenant wait for each other's commit (the advisory lock), so concurrent
    requests number and chain their entries without gaps or forks."""
    tenant = await fresh_tenant()

    async def append(count: int) -> None:
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            regels = [Regel(Actie.READ, "casus", "test", casus_id=uuid.uuid4())] * count
            await record_many(session, ACTOR, regels)
            await asyncio.sleep(0.01)  # hold the lock a moment: the others must wait

    await asyncio.gather(*(append(count) for count in (3, 1, 5, 2, 4, 1)))
    async with tenant_session(app_engine, tenant, settings) as session:
        numbers = (
            await session.execute(select(Verwerking.volgnummer).order_by(Verwerking.volgnummer))
        ).scalars()
        assert list(numbers) == list(range(1, 17))
        report = await verify_chain(session)
    assert report.ok
    assert report.checked == 16


async def test_a_nul_in_logged_text_is_refused_and_nothing_is_written(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    """A purpose typed by the user is logged as given; a NUL cannot be stored. The database
    refuses it with the SQLSTATE the web layer answers as a Dutch 400 (casushub.web.errors),
    and the transaction leaves no entry behind."""
    tenant = await fresh_tenant()
    with pytest.raises(DBAPIError) as refused:
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            await record_many(session, ACTOR, [Regel(Actie.READ, "casus", "doel\x00met nul")])
    assert getattr(refused.value.orig, "sqlstate", None) in BAD_CHARACTER_SQLSTATES
    async with tenant_session(app_engine, tenant, settings) as session:
        assert (await session.execute(select(Verwerking.id))).first() is None


async def test_a_shared_field_too_long_is_refused_not_cut_short(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    """The actor's fields go in once per append, beside the rows: a role longer than its
    column is refused like any other field, never stored shortened (and so no longer equal to
    what was hashed). A request id that fits is stored as given."""
    tenant = await fresh_tenant()
    regel = Regel(Actie.READ, "casus", "test")
    te_lang = Actor(user_id=None, organisation_id=None, role="r" * 41, request_id="req-1")
    with pytest.raises(DBAPIError, match="too long"):
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            await record_many(session, te_lang, [regel])
    past = Actor(user_id=None, organisation_id=None, role="r" * 40, request_id="x" * 64)
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await record_many(session, past, [regel, regel])
    async with tenant_session(app_engine, tenant, settings) as session:
        rows = (await session.execute(select(Verwerking).order_by(Verwerking.volgnummer))).scalars()
        stored = [(r.volgnummer, r.rol, r.request_id, r.hash == entry_hash(r)) for r in rows]
    assert stored == [(1, "r" * 40, "x" * 64, True), (2, "r" * 40, "x" * 64, True)]
