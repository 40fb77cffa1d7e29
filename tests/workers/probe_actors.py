"""Actors used only by the tests: they make tenant effects and job rows observable.

Loaded into real worker processes with ``casushub worker probe_actors`` (PYTHONPATH points
here) and into the test process by the conftest.
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from casushub.platform.jobs import finish_job, start_job
from casushub.tenants.personen.models import Persoon
from casushub.workers.actors import HOUSEKEEPING_TASKS
from casushub.workers.declare import TenantJob, tenant_actor


@tenant_actor("probe.count")
async def probe_count(job: TenantJob, job_id: str, other_tenant: str) -> None:
    """Count the personen the actor can see, and try to peek into another tenant."""
    engine = job.runtime.app_engine
    await start_job(engine, uuid.UUID(job_id))
    count = await job.session.scalar(select(func.count()).select_from(Persoon))
    async with engine.connect() as conn:
        slug = (
            await conn.execute(
                text("SELECT slug FROM platform.tenants WHERE id = :id"), {"id": other_tenant}
            )
        ).scalar_one()
    try:
        async with job.session.begin_nested():
            await job.session.execute(text(f'SELECT count(*) FROM "t_{slug}".persoon'))
        peek = "gelezen"
    except DBAPIError:
        peek = "geweigerd"
    await finish_job(engine, uuid.UUID(job_id), f"{job.tenant.slug}:{count}:{peek}")


@tenant_actor("probe.effect")
async def probe_effect(job: TenantJob, job_id: str) -> None:
    """One Persoon row per effect; with params.hold the first attempt hangs (to be killed)."""
    engine = job.runtime.app_engine
    started = await start_job(engine, uuid.UUID(job_id))
    assert started is not None
    job.session.add(Persoon(naam=f"probe-{job_id}", gemeente_van_verblijf="0000"))
    await job.session.flush()
    if started.params.get("hold") and started.attempts == 1:
        await asyncio.sleep(600)
    if started.params.get("fail"):
        msg = "probe faalt op verzoek"
        raise RuntimeError(msg)
    await finish_job(engine, uuid.UUID(job_id), "effect")


async def _housekeeping_probe(job: TenantJob) -> None:
    """A daily task as later issues add them: leaves a trace in each tenant it ran for."""
    job.session.add(Persoon(naam="housekeeping-probe", gemeente_van_verblijf="0000"))


HOUSEKEEPING_TASKS.append(_housekeeping_probe)
