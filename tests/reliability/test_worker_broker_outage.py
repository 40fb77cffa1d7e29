"""A worker killed mid-job and the broker away for a while: no job lost, no effect doubled.

tests/workers/test_reliability.py already proves, on the shared database, that a killed
worker's job is retried with one effect, that a duplicate delivery has one effect, and that
an outbox entry committed before a crash is delivered by the sweep. This test adds what those
cannot do there: the default PostgreSQL broker (which is the database) stopped and started.
It runs on an embedded PostgreSQL of its own:

1. a worker picks up job A (from the outbox) and is SIGKILLed mid-job;
2. jobs B1..B4 are committed to the outbox while no worker runs;
3. a new worker starts, then the database (and with it the broker) is stopped and started;
4. the scheduler's sweep (sent from a separate process once the database is back) relays
   the outbox; every job ends ``done`` with exactly one effect, every entry is relayed.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path
from typing import Any

from faultkit import OwnCluster, new_database, run_sweep, start_worker, stop_worker, wait_for
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.jobs import Job, create_job, get_job
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.outbox.services import record
from casushub.tenants.personen.models import Persoon

LATER_JOBS = 4


async def _enqueue(
    engine: AsyncEngine, settings: Settings, tenant: TenantRef, params: dict[str, Any]
) -> uuid.UUID:
    job_id = await create_job(engine, "probe.effect", params=params)
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        record(session, "probe.effect", job_id=job_id)
    return job_id


async def test_killed_worker_and_broker_outage_lose_nothing_double_nothing(
    tmp_path: Path,
) -> None:
    cluster = await asyncio.to_thread(OwnCluster)
    workers: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "workers.log"
    try:
        settings = await new_database(cluster.url)
        admin = create_admin_engine(settings)
        try:
            await create_hub(admin, slug="werkhub", name="Werk-ZVH", type="zvh")
            tenant = await create_tenant(
                admin,
                settings,
                slug="werk",
                name="Gemeente Werk",
                gemeentecode="9812",
                hub_slug="werkhub",
            )
        finally:
            await admin.dispose()
        engine = create_app_engine(settings)

        async def job_status(job_id: uuid.UUID) -> str:
            job = await get_job(engine, job_id)
            return job.status if job is not None else "?"

        try:
            # 1. Job A runs (its first attempt hangs) and the worker is killed mid-job.
            workers.append(start_worker(settings, log))
            job_a = await _enqueue(engine, settings, tenant, {"hold": True})
            assert await asyncio.to_thread(run_sweep, settings)

            async def a_running() -> bool:
                assert workers[0].poll() is None, log.read_text()[-3000:]
                return await job_status(job_a) == "running"

            await wait_for(a_running, what="job A loopt in de eerste worker")
            workers[0].kill()
            await asyncio.to_thread(workers[0].wait, 20)

            # 2. Work committed while no worker runs stays in the outbox.
            later = [await _enqueue(engine, settings, tenant, {}) for _ in range(LATER_JOBS)]

            # 3. A new worker, then the database (= broker) away and back.
            workers.append(start_worker(settings, log))
            await engine.dispose()
            await asyncio.to_thread(cluster.stop)
            # The worker meets the outage for a while (a pause, not a timing assertion).
            await asyncio.sleep(5)
            await asyncio.to_thread(cluster.start)

            # 4. The sweep relays the outbox once the broker answers again.
            async def swept() -> bool:
                return await asyncio.to_thread(run_sweep, settings)

            await wait_for(swept, what="sweep verstuurd na herstart")

            async def all_done() -> bool:
                if workers[-1].poll() is not None:  # a crashed worker is restarted, as k8s does
                    workers.append(start_worker(settings, log))
                statuses = [await job_status(j) for j in (job_a, *later)]
                return all(s == "done" for s in statuses)

            await wait_for(all_done, what="alle jobs klaar na de storing")

            async with tenant_session(engine, tenant, settings) as session:
                for job_id in (job_a, *later):
                    effects = await session.scalar(
                        select(func.count())
                        .select_from(Persoon)
                        .where(Persoon.naam == f"probe-{job_id}")
                    )
                    assert effects == 1, f"job {job_id}: {effects} effecten"
                unrelayed = await session.scalar(
                    select(func.count())
                    .select_from(OutboxEntry)
                    .where(OutboxEntry.relayed_at.is_(None))
                )
            assert unrelayed == 0
            async with engine.connect() as conn:
                attempts = (
                    await conn.execute(select(Job.attempts).where(Job.id == job_a))
                ).scalar()
            assert attempts == 2, "job A: gedood in poging 1, klaar in poging 2"
            # How the worker came through the outage is reported, not asserted: a process
            # manager restarts a crashed worker; what counts is that nothing was lost.
            print(f"workers gestart: {len(workers)} (1 gedood)")
        finally:
            await engine.dispose()
    finally:
        for process in workers:
            await asyncio.to_thread(stop_worker, process)
        await asyncio.to_thread(cluster.cleanup)
