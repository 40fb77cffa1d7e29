"""Crashes lose nothing and duplicate nothing: killed workers, the outbox, dead letters."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

from dramatiq import Broker, Message
from probe_actors import probe_effect
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import ROOT, StartWorker, child_env, wait_for, wait_for_job

from casushub.platform.jobs import Job, create_job, get_job
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.outbox.services import record
from casushub.tenants.personen.models import Persoon
from casushub.workers.actors import outbox_sweep
from casushub.workers.declare import send_for_tenant


async def _effects(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef, job_id: uuid.UUID
) -> int:
    async with tenant_session(engine, tenant, settings) as session:
        count = await session.scalar(
            select(func.count()).select_from(Persoon).where(Persoon.naam == f"probe-{job_id}")
        )
    return int(count or 0)


async def _one_effect(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef, job_id: uuid.UUID
) -> None:
    """Exactly one effect, once committed: the probe marks its job done on the platform just
    before its tenant transaction commits, so "done" may be seen a moment before the effect."""

    async def committed() -> int:
        return await _effects(engine, settings, tenant, job_id)

    assert await wait_for(committed, what=f"effect of {job_id}") == 1


async def test_killed_worker_job_is_retried_and_happens_once(
    any_broker: tuple[str, Broker],
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    kind, _broker = any_broker
    first = start_worker(kind)
    job_id = await create_job(app_engine, "probe.effect", params={"hold": True})
    send_for_tenant(probe_effect, tenant_a, job_id=job_id)

    async def running() -> bool:
        job = await get_job(app_engine, job_id)
        return job is not None and job.status == "running"

    await wait_for(running, what="eerste poging loopt")
    first.kill()  # mid-job: the row is flushed, not committed; the message not acked
    start_worker(kind)

    done = await wait_for_job(app_engine, job_id)
    assert done.message == "effect"
    async with app_engine.connect() as conn:
        attempts = (await conn.execute(select(Job.attempts).where(Job.id == job_id))).scalar()
    assert attempts == 2
    await _one_effect(app_engine, settings, tenant_a, job_id)


async def test_duplicate_delivery_has_one_effect(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    """What a relay that crashed after enqueue (before marking) does: the same message twice."""
    start_worker()
    job_id = await create_job(app_engine, "probe.effect")
    message = send_for_tenant(probe_effect, tenant_a, job_id=job_id)
    await wait_for_job(app_engine, job_id)
    # Reset the job so a second effect would be visible, then deliver the same message again.
    async with app_engine.begin() as conn:
        await conn.execute(update(Job).where(Job.id == job_id).values(status="queued", message=""))
    broker.enqueue(message)
    marker = await create_job(app_engine, "probe.effect")
    send_for_tenant(probe_effect, tenant_a, job_id=marker)
    await wait_for_job(app_engine, marker)  # the worker has moved past the duplicate
    await _one_effect(app_engine, settings, tenant_a, job_id)


WRITER = """
import asyncio, os, sys, uuid
from casushub.platform.database import create_app_engine
from casushub.platform.settings import get_settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.services import record

async def main():
    settings = get_settings()
    engine = create_app_engine(settings)
    tenant = TenantRef(uuid.UUID(sys.argv[1]), sys.argv[2])
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        record(session, "probe.effect", job_id=uuid.UUID(sys.argv[3]))
    print("committed", flush=True)
    os._exit(1)  # crash before anything could enqueue

asyncio.run(main())
"""


async def test_outbox_commit_then_crash_is_delivered_later(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    job_id = await create_job(app_engine, "probe.effect")
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", WRITER, str(tenant_a.id), tenant_a.slug, str(job_id)],
        cwd=ROOT,
        env=child_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "committed" in result.stdout
    assert await _effects(app_engine, settings, tenant_a, job_id) == 0

    start_worker()
    outbox_sweep.send()  # what the scheduler sends every minute
    await wait_for_job(app_engine, job_id)
    await _one_effect(app_engine, settings, tenant_a, job_id)
    async with tenant_session(app_engine, tenant_a, settings) as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(
                OutboxEntry.relayed_at.is_(None),
                OutboxEntry.payload["job_id"].astext == str(job_id),
            )
        )
    assert pending == 0


async def test_outbox_rollback_is_never_delivered(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    rolled_back = await create_job(app_engine, "probe.effect")
    committed = await create_job(app_engine, "probe.effect")
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        record(session, "probe.effect", job_id=rolled_back)
        await session.flush()
        await session.rollback()
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        record(session, "probe.effect", job_id=committed)

    start_worker()
    outbox_sweep.send()
    # The committed entry, written after the rolled-back one, is proof the sweep has run.
    await wait_for_job(app_engine, committed)
    job = await get_job(app_engine, rolled_back)
    assert job is not None
    assert job.status == "queued"
    assert await _effects(app_engine, settings, tenant_a, rolled_back) == 0


async def test_exhausted_message_is_listed_and_retried_from_the_cli(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    start_worker()
    job_id = await create_job(app_engine, "probe.effect", params={"fail": True})
    message: Message[None] = send_for_tenant(probe_effect, tenant_a, job_id=job_id)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
            [sys.executable, "-m", "casushub", "jobs", *args],
            cwd=ROOT,
            env=child_env(settings),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    async def listed() -> str | None:
        out = cli("failed").stdout
        return out if message.message_id in out else None

    listing = await wait_for(listed, what="mislukt bericht in `casushub jobs failed`")
    assert "probe.effect" in listing
    assert "probe faalt op verzoek" in listing
    assert await _effects(app_engine, settings, tenant_a, job_id) == 0

    async with app_engine.begin() as conn:
        await conn.execute(update(Job).where(Job.id == job_id).values(params={}))
    retried = cli("retry", message.message_id)
    assert retried.returncode == 0, retried.stderr
    await wait_for_job(app_engine, job_id)
    await _one_effect(app_engine, settings, tenant_a, job_id)
    assert message.message_id not in cli("failed").stdout
    assert cli("retry", str(uuid.uuid4())).returncode == 1
    assert os.environ.get("DATABASE_URL") == settings.database_url
