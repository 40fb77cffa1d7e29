"""Starting background work from the web or the CLI: record first, then send ids."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from casushub.platform.jobs import create_job
from casushub.platform.mail import queue_mail
from casushub.workers.broker import ensure_configured

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["send_job", "send_mail", "start_job_work", "start_migrate_all", "start_provision"]

log = logging.getLogger(__name__)


def send_job(job_id: uuid.UUID, kind: str) -> None:
    """Send a job's message (blocking). The message id is the job id, so a resend by the sweep
    replaces a message still waiting in the PostgreSQL broker instead of adding a second one."""
    broker = ensure_configured()
    actor = broker.get_actor(kind)
    broker.enqueue(actor.message(job_id=str(job_id)).copy(message_id=str(job_id)))


async def start_job_work(
    engine: AsyncEngine,
    kind: str,
    *,
    tenant_id: uuid.UUID | None = None,
    params: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Record a job and send its message; returns the job id to show progress for.

    The job row is committed first. When the broker cannot take the message, the job stays
    queued (its screen says so) and the scheduler's ``jobs.sweep`` sends it once the broker is
    back: the user's action is never lost and never needs to be repeated.
    """
    import casushub.workers.actors  # noqa: F401 - declares the actors ``kind`` names

    job_id = await create_job(engine, kind, tenant_id=tenant_id, params=params)
    try:
        # The broker clients block; keep the caller's event loop free.
        await asyncio.to_thread(send_job, job_id, kind)
    except Exception:
        log.warning("broker unavailable; job %s stays queued for the sweep", job_id, exc_info=True)
    return job_id


async def start_provision(
    engine: AsyncEngine,
    *,
    slug: str,
    name: str,
    gemeentecode: str,
    hub_slug: str | None = None,
) -> uuid.UUID:
    """Queue provisioning of a municipality; returns the job id to show progress for."""
    params = {"slug": slug, "name": name, "gemeentecode": gemeentecode, "hub": hub_slug}
    return await start_job_work(engine, "tenants.provision", params=params)


async def start_migrate_all(engine: AsyncEngine) -> uuid.UUID:
    return await start_job_work(engine, "tenants.migrate_all")


async def send_mail(engine: AsyncEngine, recipient: str, kind: str, link_path: str) -> uuid.UUID:
    """Queue a mail (fixed text + link) and send its delivery message."""
    from casushub.workers.actors import mail_deliver

    ensure_configured()
    mail_id = await queue_mail(engine, recipient, kind, link_path)
    await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
    return mail_id
