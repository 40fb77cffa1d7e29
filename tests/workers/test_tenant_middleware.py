"""The tenant travels with every tenant message and is checked by the worker."""

from __future__ import annotations

import uuid

import pytest
from dramatiq import Broker
from probe_actors import probe_count
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import StartWorker, wait_for, wait_for_job

from casushub.platform.jobs import DeadLetter, create_job
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.personen.models import Persoon
from casushub.workers.declare import send_for_tenant
from casushub.workers.middleware import NotIds, TenantRequired


def test_tenant_actor_without_tenant_is_refused(broker: Broker) -> None:
    with pytest.raises(TenantRequired, match="send_for_tenant"):
        probe_count.send(job_id=str(uuid.uuid4()), other_tenant=str(uuid.uuid4()))


def test_message_with_personal_data_is_refused(broker: Broker, tenant_a: TenantRef) -> None:
    with pytest.raises(NotIds):
        send_for_tenant(probe_count, tenant_a, job_id="Jan Jansen", other_tenant=uuid.uuid4())


async def _add_personen(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef, count: int
) -> int:
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        for n in range(count):
            session.add(Persoon(naam=f"mw-{n}", gemeente_van_verblijf="0000"))
    async with tenant_session(engine, tenant, settings) as session:
        return len((await session.scalars(select(Persoon.id))).all())


async def test_actor_sees_only_its_own_tenant(
    any_broker: tuple[str, Broker],
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    kind, _broker = any_broker
    count_a = await _add_personen(app_engine, settings, tenant_a, 2)
    count_b = await _add_personen(app_engine, settings, tenant_b, 3)
    start_worker(kind)

    job_a = await create_job(app_engine, "probe.count", tenant_id=tenant_a.id)
    job_b = await create_job(app_engine, "probe.count", tenant_id=tenant_b.id)
    send_for_tenant(probe_count, tenant_a, job_id=job_a, other_tenant=tenant_b.id)
    send_for_tenant(probe_count, tenant_b, job_id=job_b, other_tenant=tenant_a.id)

    done_a = await wait_for_job(app_engine, job_a)
    done_b = await wait_for_job(app_engine, job_b)
    assert done_a.message == f"alfa:{count_a}:geweigerd"
    assert done_b.message == f"bravo:{count_b}:geweigerd"


async def test_unknown_tenant_is_refused_by_the_worker(
    any_broker: tuple[str, Broker],
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    kind, _broker = any_broker
    start_worker(kind)
    job_id = await create_job(app_engine, "probe.count")
    forged = TenantRef(uuid.uuid4(), tenant_a.slug)  # a real slug with a wrong id
    message = send_for_tenant(probe_count, forged, job_id=job_id, other_tenant=tenant_a.id)

    async def dead_letter() -> str | None:
        async with app_engine.connect() as conn:
            return (
                await conn.execute(
                    select(DeadLetter.error).where(
                        DeadLetter.message_id == uuid.UUID(message.message_id)
                    )
                )
            ).scalar()

    error = await wait_for(dead_letter, what="bericht met onbekende tenant in dead letters")
    assert "TenantRefused" in error
    assert "onbekend" in error
