"""The overgangsvoorraad's import runs as a job in a real worker, with progress, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from dramatiq import Broker
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import StartWorker, wait_for_job

from casushub.platform.jobs import create_job
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.overgang.formaat import voorbeeld_json, voorbeeldrijen
from casushub.tenants.overgang.inlezen import bevestig, proefimport
from casushub.tenants.overgang.models import Overgangsimport, Overgangszaak
from casushub.workers.enqueue import send_job

REGIE = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie")


async def _bevestigd(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, code: str, aantal: int
) -> tuple[uuid.UUID, uuid.UUID]:
    rijen = []
    for n in range(aantal):
        rij = dict(voorbeeldrijen(code)[n % 2])
        rij["bron_id"], rij["naam"] = f"JOB-{n}", f"Persoon Nummer{n}"
        rijen.append(rij)
    import json

    inhoud = json.dumps(rijen).encode()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        upload = await proefimport(
            s,
            REGIE,
            bestandsnaam="z.json",
            inhoud=inhoud,
            bekende_gemeenten={code},
            geheim=b"k",
        )
        assert upload.aantal_fouten == 0, upload.rapport
        job_id = await create_job(
            app_engine,
            "overgang.import",
            tenant_id=tenant.id,
            params={"import_id": str(upload.id)},
        )
        await bevestig(s, REGIE, upload.id, job_id)
        return upload.id, job_id


async def test_import_job_reads_every_row_in_with_progress_and_only_once(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    tenant = await fresh_tenant()
    code = tenant.slug.removeprefix("eigen_")
    assert voorbeeld_json(code)
    upload_id, job_id = await _bevestigd(app_engine, settings, tenant, code, 1203)
    start_worker()
    await asyncio.to_thread(send_job, job_id, "overgang.import")
    job = await wait_for_job(app_engine, job_id)
    assert (job.done, job.total) == (1203, 1203)
    assert job.message.startswith("1203 zaken ingelezen")
    # A second delivery of the same job id has nothing left to do.
    await asyncio.to_thread(send_job, job_id, "overgang.import")
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        upload = await s.get(Overgangsimport, upload_id)
        assert upload is not None
        assert upload.status == "ingelezen"
        assert upload.rijen == []
        assert await s.scalar(select(func.count()).select_from(Overgangszaak)) == 1203
