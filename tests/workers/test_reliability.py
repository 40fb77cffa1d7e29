"""Crashes lose nothing and duplicate nothing: killed workers, the outbox, dead letters."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import psycopg
import pytest
from dramatiq import Broker, Message, Middleware
from dramatiq.middleware import MiddlewareError
from probe_actors import probe_effect
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from workerkit import ROOT, StartWorker, child_env, wait_for, wait_for_job

from casushub.platform.jobs import (
    DeadLetter,
    Job,
    JobView,
    create_job,
    fail_job,
    get_job,
    start_job,
)
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.outbox.services import record
from casushub.tenants.personen.models import Persoon
from casushub.workers.actors import outbox_sweep
from casushub.workers.broker import libpq_url
from casushub.workers.deadletters import list_dead_letters, retry_dead_letter
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


async def _failed_job_with_dead_letter(
    engine: AsyncEngine, tenant: TenantRef
) -> tuple[uuid.UUID, Message[Any]]:
    """A tracked job that failed for good, and its message kept as a dead letter."""
    job_id = await create_job(engine, "probe.effect", params={})
    await fail_job(engine, job_id, "eerder mislukt")
    message = probe_effect.message_with_options(
        kwargs={"job_id": str(job_id)}, tenant_id=str(tenant.id)
    )
    async with engine.begin() as conn:
        await conn.execute(
            insert(DeadLetter).values(
                message_id=uuid.UUID(message.message_id),
                queue_name=message.queue_name,
                actor_name=message.actor_name,
                tenant_id=tenant.id,
                message=message.asdict(),
                error="RuntimeError: probe faalt op verzoek",
            )
        )
    return job_id, message


async def test_a_worker_that_takes_a_retried_message_at_once_sees_the_job_reset(
    broker: Broker, app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    """The retry resets the job before a worker can start it; the worker's start is kept.

    A worker that starts the moment the message is sent (simulated here by ``start_job`` in
    another thread and connection) must neither find the old failure nor be overwritten.
    """
    job_id, message = await _failed_job_with_dead_letter(app_engine, tenant_a)

    started: list[JobView | None] = []
    marker = f"worker-{job_id}"

    async def worker_start() -> None:
        engine = create_async_engine(
            settings.app_database_url,
            connect_args={"server_settings": {"application_name": marker}},
        )
        try:
            started.append(await start_job(engine, job_id))
        finally:
            await engine.dispose()

    def waiting_for_a_lock() -> bool:
        with psycopg.connect(libpq_url(settings.database_url)) as conn:
            row = conn.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = %s",
                (marker,),
            ).fetchone()
        return row is not None and row[0] == "Lock"

    class StartAtOnce(Middleware):
        def after_enqueue(self, broker: Broker, message: Message[Any], delay: int) -> None:
            # The retry goes on only once the "worker" has finished or waits for the job's row.
            self.thread = threading.Thread(target=lambda: asyncio.run(worker_start()))
            self.thread.start()
            deadline = time.monotonic() + 60
            while self.thread.is_alive() and not waiting_for_a_lock():
                assert time.monotonic() < deadline, "de worker startte niet binnen 60 s"
                time.sleep(0.05)

    at_once = StartAtOnce()
    broker.add_middleware(at_once)
    try:
        await retry_dead_letter(app_engine, broker, uuid.UUID(message.message_id))
    finally:
        broker.middleware.remove(at_once)
    await asyncio.to_thread(at_once.thread.join, 60)

    assert len(started) == 1
    assert started[0] is not None, "de worker vond de oude mislukking en sloeg het werk over"
    job = await get_job(app_engine, job_id)
    assert job is not None
    assert job.status == "running", "de reset overschreef de start van de worker"


async def test_a_retry_whose_send_fails_leaves_the_dead_letter_and_the_failure(
    broker: Broker, app_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    job_id, message = await _failed_job_with_dead_letter(app_engine, tenant_a)

    class Unreachable(MiddlewareError):
        pass

    class BrokerDown(Middleware):
        # dramatiq passes only a MiddlewareError out of a middleware; the send then fails.
        def before_enqueue(self, broker: Broker, message: Message[Any], delay: int) -> None:
            raise Unreachable

    down = BrokerDown()
    broker.add_middleware(down)
    try:
        with pytest.raises(Unreachable):
            await retry_dead_letter(app_engine, broker, uuid.UUID(message.message_id))
    finally:
        broker.middleware.remove(down)

    listed = [row.message_id for row in await list_dead_letters(app_engine)]
    assert uuid.UUID(message.message_id) in listed
    job = await get_job(app_engine, job_id)
    assert job is not None
    assert (job.status, job.message) == ("failed", "eerder mislukt")
