"""Background work of the overgangsvoorraad.

- ``overgang.import`` reads a confirmed upload in, in batches, each in its own tenant
  transaction; progress goes to the job row the screen polls (``/jobs/{id}``). A retry or a
  second delivery resumes: rows already read in are skipped by their source id.
- The daily ``overgang_dagelijks`` joins each tenant's housekeeping: it destroys imported
  cases weighed "geen actie" or past their deadline (with receipts), and mails the regie once
  when deadlines come near (a fixed text and a link, no personal data).

Imported through ``broker.ACTOR_MODULES``.
"""

from __future__ import annotations

import logging
import uuid

from casushub.platform.identity.roles import Role
from casushub.platform.jobs import fail_job, finish_job, report_progress, start_job
from casushub.platform.registry import TenantUnavailable, servable_tenant
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.overgang.inlezen import lees_batch, rond_import_af
from casushub.tenants.overgang.lijst import herinneringen
from casushub.tenants.overgang.models import ImportStatus, Overgangsimport
from casushub.tenants.overgang.vernietiging import vernietig_verlopen
from casushub.workers.actors import HOUSEKEEPING_TASKS
from casushub.workers.declare import PlatformJob, TenantJob, platform_actor
from casushub.workers.verzoeken import _adressen, _mail

__all__ = ["BATCH", "IMPORT_ACTOR", "OVERGANG_LINK", "overgang_dagelijks", "overgang_import"]

log = logging.getLogger(__name__)
IMPORT_ACTOR = "overgang.import"
OVERGANG_LINK = "/overgang"
BATCH = 500


@platform_actor(IMPORT_ACTOR, tracked=True, max_retries=5, time_limit=3_600_000)
async def overgang_import(job: PlatformJob, job_id: str) -> None:
    """Read a confirmed upload in (``tenants.overgang.inlezen.lees_batch``), with progress."""
    current = job.runtime
    started = await start_job(current.app_engine, uuid.UUID(job_id))
    if started is None or started.tenant_id is None:
        return
    import_id = uuid.UUID(str(started.params["import_id"]))
    async with current.app_engine.connect() as conn:
        try:
            tenant = await servable_tenant(conn, started.tenant_id)
        except TenantUnavailable as exc:
            await fail_job(
                current.app_engine, started.id, f"Gemeente niet beschikbaar ({exc.reason})."
            )
            return
    async with tenant_session(current.app_engine, tenant, current.settings) as session:
        async with session.begin():
            upload = await session.get(Overgangsimport, import_id)
            totaal = len(upload.rijen) if upload is not None else 0
            klaar = upload is None or upload.status != ImportStatus.BEVESTIGD
            gedaan = (upload.ingelezen + upload.overgeslagen) if upload is not None else 0
        if klaar:
            await finish_job(current.app_engine, started.id, "Niets (meer) in te lezen")
            return
        await report_progress(current.app_engine, started.id, gedaan, totaal)
        while gedaan < totaal:
            async with session.begin():
                await lees_batch(session, import_id, gedaan, gedaan + BATCH)
            gedaan = min(totaal, gedaan + BATCH)
            await report_progress(current.app_engine, started.id, gedaan, totaal)
        async with session.begin():
            upload = await rond_import_af(session, import_id)
            ingelezen = upload.ingelezen if upload else 0
            overgeslagen = upload.overgeslagen if upload else 0
    await finish_job(
        current.app_engine,
        started.id,
        f"{ingelezen} zaken ingelezen, {overgeslagen} overgeslagen (al eerder ingelezen)",
    )


async def overgang_dagelijks(job: TenantJob) -> None:
    """Destroy what is due in the transition list; remind the regie of near deadlines."""
    actor = Actor.system(f"overgang:{job.message_id}")
    vernietigd = await vernietig_verlopen(job.session, actor, batch_id=job.message_id)
    nieuw = await herinneringen(job.session)
    if nieuw:
        engine = job.runtime.app_engine
        adressen = await _adressen(engine, job.tenant.id, rol=Role.GEMEENTE_REGIE)
        for adres in adressen.values():
            await _mail(engine, adres, "herinnering", OVERGANG_LINK)
    log.info(
        "overgang daily",
        extra={"tenant": job.tenant.slug, "vernietigd": vernietigd, "herinneringen": nieuw},
    )


if overgang_dagelijks not in HOUSEKEEPING_TASKS:
    HOUSEKEEPING_TASKS.append(overgang_dagelijks)
