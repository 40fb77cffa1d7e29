"""Several appends in one transaction: the lock and the chain's end are read once, and a
savepoint released or rolled back in between never leaves the chain with a gap or a fork."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.chain import verify_chain
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import Regel, record_many

ACTOR = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie")


def _regel(casus_id: uuid.UUID, doel: str) -> list[Regel]:
    return [Regel(Actie.READ, "casus", doel, casus_id)]


async def _doelen(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef, casus_id: uuid.UUID
) -> list[str]:
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        assert (await verify_chain(session)).ok
        rows = await session.execute(
            select(Verwerking.doel)
            .where(Verwerking.casus_id == casus_id)
            .order_by(Verwerking.volgnummer)
        )
        return list(rows.scalars())


async def test_a_second_append_in_one_transaction_reads_neither_lock_nor_end(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    statements: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, text: str, *_: Any) -> None:
        if "pg_advisory_xact_lock" in text:
            statements["lock"] += 1
        elif "FROM verwerking ORDER BY" in text:
            statements["eind"] += 1
        elif "INSERT INTO verwerking" in text:
            statements["insert"] += 1

    casus_id = uuid.uuid4()
    event.listen(app_engine.sync_engine, "before_cursor_execute", count)
    try:
        async with tenant_session(app_engine, tenant_a, settings) as session:
            async with session.begin():
                for doel in ("een", "twee", "drie"):
                    await record_many(session, ACTOR, _regel(casus_id, doel))
            # A new transaction of the same session reads the end again.
            async with session.begin():
                await record_many(session, ACTOR, _regel(casus_id, "vier"))
    finally:
        event.remove(app_engine.sync_engine, "before_cursor_execute", count)
    assert statements == Counter({"lock": 2, "eind": 2, "insert": 4})
    assert await _doelen(app_engine, settings, tenant_a, casus_id) == [
        "een",
        "twee",
        "drie",
        "vier",
    ]


async def test_savepoints_between_appends_keep_one_unbroken_chain(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    casus_id = uuid.uuid4()
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        await record_many(session, ACTOR, _regel(casus_id, "voor"))
        async with session.begin_nested():
            await record_many(session, ACTOR, _regel(casus_id, "vrijgegeven"))
        await record_many(session, ACTOR, _regel(casus_id, "na vrijgeven"))
        savepoint = await session.begin_nested()
        await record_many(session, ACTOR, _regel(casus_id, "teruggedraaid"))
        await savepoint.rollback()
        await record_many(session, ACTOR, _regel(casus_id, "na terugdraaien"))
    assert await _doelen(app_engine, settings, tenant_a, casus_id) == [
        "voor",
        "vrijgegeven",
        "na vrijgeven",
        "na terugdraaien",
    ]
