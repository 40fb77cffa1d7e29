"""Starting background work from the web or the CLI: record first, then send ids."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from casushub.platform.jobs import create_job
from casushub.platform.mail import queue_mail
from casushub.workers.broker import ensure_configured

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["send_mail", "start_migrate_all", "start_provision"]


async def start_provision(
    engine: AsyncEngine,
    *,
    slug: str,
    name: str,
    gemeentecode: str,
    hub_slug: str | None = None,
) -> uuid.UUID:
    """Queue provisioning of a municipality; returns the job id to show progress for."""
    from casushub.workers.actors import tenants_provision

    ensure_configured()
    params = {"slug": slug, "name": name, "gemeentecode": gemeentecode, "hub": hub_slug}
    job_id = await create_job(engine, "tenants.provision", params=params)
    # The broker clients block; keep the caller's event loop free.
    await asyncio.to_thread(tenants_provision.send, job_id=str(job_id))
    return job_id


async def start_migrate_all(engine: AsyncEngine) -> uuid.UUID:
    from casushub.workers.actors import tenants_migrate_all

    ensure_configured()
    job_id = await create_job(engine, "tenants.migrate_all")
    await asyncio.to_thread(tenants_migrate_all.send, job_id=str(job_id))
    return job_id


async def send_mail(engine: AsyncEngine, recipient: str, kind: str, link_path: str) -> uuid.UUID:
    """Queue a mail (fixed text + link) and send its delivery message."""
    from casushub.workers.actors import mail_deliver

    ensure_configured()
    mail_id = await queue_mail(engine, recipient, kind, link_path)
    await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
    return mail_id
