"""The daily tick fans out one message per active tenant; each runs in its own tenant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from dramatiq import Broker
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import StartWorker, wait_for

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import ProcessedMessage
from casushub.tenants.personen.models import Persoon
from casushub.workers.actors import DELIVERY_RECORD_DAYS, housekeeping

PROBE = "housekeeping-probe"


async def _traces(engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> int:
    async with tenant_session(engine, tenant, settings) as session:
        count = await session.scalar(
            select(func.count()).select_from(Persoon).where(Persoon.naam == PROBE)
        )
    return int(count or 0)


async def test_housekeeping_runs_once_in_every_active_tenant(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    for tenant in (tenant_a, tenant_b):
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            await session.execute(delete(Persoon).where(Persoon.naam == PROBE))
    old, recent = uuid.uuid4(), uuid.uuid4()
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        long_ago = datetime.now(UTC) - timedelta(days=DELIVERY_RECORD_DAYS + 1)
        session.add(ProcessedMessage(message_id=old, actor_name="x", processed_at=long_ago))
        session.add(ProcessedMessage(message_id=recent, actor_name="x"))
    start_worker()
    housekeeping.send()

    async def both() -> bool:
        counts = [await _traces(app_engine, settings, t) for t in (tenant_a, tenant_b)]
        return all(counts)

    await wait_for(both, what="housekeeping in alfa en bravo")
    assert await _traces(app_engine, settings, tenant_a) == 1
    assert await _traces(app_engine, settings, tenant_b) == 1
    async with tenant_session(app_engine, tenant_a, settings) as session:
        kept = set(
            await session.scalars(
                select(ProcessedMessage.message_id).where(
                    ProcessedMessage.message_id.in_([old, recent])
                )
            )
        )
    assert kept == {recent}  # old delivery records are pruned, recent ones kept
