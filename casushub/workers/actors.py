"""The actors: thin, each calls the same services as the web and the CLI.

Messages carry ids only; parameters that are not ids (a new municipality's slug and name)
wait in the job row.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from casushub.platform import klok
from casushub.platform.identity.sessions import purge_expired_sessions
from casushub.platform.jobs import (
    fail_job,
    finish_job,
    report_progress,
    start_job,
    unsent_jobs,
)
from casushub.platform.mail import deliver_mail, pending_mail, queue_mail
from casushub.platform.migrate.runs import MigrationLocked, migrate_tenants
from casushub.platform.models import Tenant
from casushub.platform.ratelimit import purge_pogingen
from casushub.platform.registry import RegistryError, create_tenant
from casushub.platform.tenancy import TenantRef
from casushub.tenants.outbox.services import prune_delivery_records
from casushub.workers.declare import (
    PlatformJob,
    TenantJob,
    platform_actor,
    send_for_tenant,
    tenant_actor,
)
from casushub.workers.relay import active_tenants, relay_all

__all__ = [
    "HOUSEKEEPING_TASKS",
    "housekeeping",
    "housekeeping_tenant",
    "jobs_sweep",
    "mail_deliver",
    "mail_sweep",
    "outbox_sweep",
    "tenants_export",
    "tenants_migrate_all",
    "tenants_provision",
]

log = logging.getLogger(__name__)

# Processed-message marks only need to outlive any redelivery (retries end within days).
DELIVERY_RECORD_DAYS = 30

# Later issues (retention, review reminders, request deadlines) append their daily per-tenant
# work here; each runs inside the tenant's own transaction.
HOUSEKEEPING_TASKS: list[Callable[[TenantJob], Awaitable[None]]] = []


@platform_actor("tenants.provision", tracked=True, max_retries=3)
async def tenants_provision(job: PlatformJob, job_id: str) -> None:
    """Register and provision a municipality (registry.create_tenant), with progress."""
    current = job.runtime
    started = await start_job(current.app_engine, uuid.UUID(job_id))
    if started is None:
        return  # finished by an earlier delivery
    params = started.params
    await report_progress(current.app_engine, started.id, 0, 2)
    async with current.app_engine.connect() as conn:
        existing = (
            await conn.execute(
                select(Tenant.gemeentecode, Tenant.status).where(Tenant.slug == params["slug"])
            )
        ).first()
    if existing is not None and existing.gemeentecode == params["gemeentecode"]:
        # An earlier attempt committed the (atomic) provisioning and died before saying so.
        await report_progress(current.app_engine, started.id, 2, 2)
        await finish_job(current.app_engine, started.id, f"Gemeente {params['slug']} aangemaakt")
        return
    await report_progress(current.app_engine, started.id, 1, 2)
    try:
        if "aanmelding" in params:
            # Onboarding from the hub screens/API: profile, settings and checklist, atomically.
            from casushub.crosstenant.onboarding import (
                OnboardingInvalid,
                aanmelding_uit_params,
                meld_gemeente_aan,
            )

            try:
                await meld_gemeente_aan(
                    current.admin_engine,
                    current.settings,
                    uuid.UUID(params["hub_id"]),
                    aanmelding_uit_params(params["aanmelding"]),
                )
            except OnboardingInvalid as exc:
                raise RegistryError(str(exc)) from exc
        else:
            await create_tenant(
                current.admin_engine,
                current.settings,
                slug=params["slug"],
                name=params["name"],
                gemeentecode=params["gemeentecode"],
                hub_slug=params.get("hub"),
            )
    except RegistryError as exc:
        await fail_job(current.app_engine, started.id, exc.message)
        return  # bad input: retrying cannot help
    await report_progress(current.app_engine, started.id, 2, 2)
    await finish_job(current.app_engine, started.id, f"Gemeente {params['slug']} aangemaakt")


@platform_actor("tenants.export", tracked=True, max_retries=3)
async def tenants_export(job: PlatformJob, job_id: str) -> None:
    """A terminated municipality's complete export (lifecycle.exporteer), with progress."""
    from casushub.crosstenant.lifecycle import exporteer

    current = job.runtime
    started = await start_job(current.app_engine, uuid.UUID(job_id))
    if started is None or started.tenant_id is None:
        return
    async with current.app_engine.connect() as conn:
        slug = (
            await conn.execute(select(Tenant.slug).where(Tenant.id == started.tenant_id))
        ).scalar()
    if slug is None:
        await fail_job(current.app_engine, started.id, "Onbekende gemeente.")
        return
    await report_progress(current.app_engine, started.id, 0, 1)
    await exporteer(current.app_engine, current.settings, TenantRef(started.tenant_id, slug))
    await report_progress(current.app_engine, started.id, 1, 1)
    await finish_job(current.app_engine, started.id, "Export gemaakt")
    # The municipality's regie is told the export is ready (a fixed text and a link).
    from casushub.crosstenant.lifecycle import regie_adressen

    async with current.app_engine.connect() as conn:
        adressen = await regie_adressen(conn, started.tenant_id)
    for adres in adressen:
        mail_id = await queue_mail(current.app_engine, adres, "export", "/gemeente/beeindiging")
        await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))


@platform_actor("tenants.migrate_all", tracked=True, max_retries=3, time_limit=3_600_000)
async def tenants_migrate_all(job: PlatformJob, job_id: str) -> None:
    """Migrate every tenant that is behind (migrate.migrate_tenants), with progress."""
    current = job.runtime
    started = await start_job(current.app_engine, uuid.UUID(job_id))
    if started is None:
        return
    pending: set[asyncio.Task[None]] = set()

    def progress(done: int, total: int, _slug: str) -> None:
        task = asyncio.get_running_loop().create_task(
            report_progress(current.app_engine, started.id, done, total)
        )
        pending.add(task)
        task.add_done_callback(pending.discard)

    try:
        report = await migrate_tenants(current.admin_engine, wait=True, progress=progress)
    except MigrationLocked as exc:
        await fail_job(current.app_engine, started.id, str(exc))
        return
    finally:
        await asyncio.gather(*list(pending))
    if report.ok:
        await finish_job(
            current.app_engine,
            started.id,
            f"{len(report.migrated)} gemeenten bijgewerkt, {report.up_to_date} waren al bij",
        )
    else:
        failed = ", ".join(sorted(report.failed))
        await fail_job(
            current.app_engine,
            started.id,
            f"{len(report.failed)} gemeenten niet bijgewerkt: {failed}",
        )


@platform_actor("housekeeping", periodic=True)
async def housekeeping(job: PlatformJob) -> None:
    """The daily tick: one message per active tenant (fan-out)."""
    current = job.runtime
    tenants = await active_tenants(current)
    for tenant in tenants:
        await asyncio.to_thread(send_for_tenant, housekeeping_tenant, tenant)
    log.info("housekeeping fanned out", extra={"tenants": len(tenants)})
    async with current.app_engine.begin() as conn:
        purge = await purge_expired_sessions(conn, current.settings)
        pogingen = await purge_pogingen(conn)
    log.info(
        "expired sessions and rate-limit attempts purged",
        extra={
            "ended": purge.ended,
            "web_sessions_removed": purge.web_sessions_removed,
            "rate_limit_attempts_removed": pogingen,
        },
    )
    # Authorisation reviews that are due: remind the organisations' own admins.
    from casushub.platform.hub.autorisatiereview import review_herinneringen

    async with current.app_engine.connect() as conn:
        adressen = await review_herinneringen(conn, klok.vandaag())
    for adres in adressen:
        mail_id = await queue_mail(
            current.app_engine, adres, "herinnering", "/hub/gebruikers/review"
        )
        await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))


@tenant_actor("housekeeping.tenant", idempotent=False, periodic=True)
async def housekeeping_tenant(job: TenantJob) -> None:
    """Daily work for one tenant; safe to repeat, so no processed-message mark."""
    await prune_delivery_records(job.session, keep_days=DELIVERY_RECORD_DAYS)
    for task in HOUSEKEEPING_TASKS:
        await task(job)


@platform_actor("outbox.sweep", max_retries=0, periodic=True)
async def outbox_sweep(job: PlatformJob) -> None:
    """Relay every tenant's committed outbox entries (after a crash before enqueue)."""
    await relay_all(job.runtime)


@platform_actor("jobs.sweep", max_retries=0, periodic=True)
async def jobs_sweep(job: PlatformJob) -> None:
    """Send again the jobs whose message never arrived (broker down when the web sent it)."""
    from casushub.workers.enqueue import send_job

    for job_id, kind in await unsent_jobs(job.runtime.app_engine):
        await asyncio.to_thread(send_job, job_id, kind)


@platform_actor("mail.deliver", max_retries=8)
async def mail_deliver(job: PlatformJob, mail_id: str) -> None:
    current = job.runtime
    await deliver_mail(current.app_engine, current.settings, uuid.UUID(mail_id))


@platform_actor("mail.sweep", max_retries=0, periodic=True)
async def mail_sweep(job: PlatformJob) -> None:
    """Resend ``mail.deliver`` for mail whose message was lost after commit."""
    for mail_id in await pending_mail(job.runtime.app_engine):
        await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
