"""The nightly retention sweep: part of each tenant's daily housekeeping.

``housekeeping`` fans out one ``housekeeping.tenant`` message per active tenant; that actor
runs every task in ``HOUSEKEEPING_TASKS`` inside the tenant's own session and transaction.
This module adds the sweep there (imported through ``broker.ACTOR_MODULES``). The dry run
needs no job: the regie screen asks ``sweep.proefrun`` when it is opened.
"""

from __future__ import annotations

import logging

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.sweep import vernietig
from casushub.workers.actors import HOUSEKEEPING_TASKS
from casushub.workers.declare import TenantJob

__all__ = ["retention_sweep"]

log = logging.getLogger(__name__)


async def retention_sweep(job: TenantJob) -> None:
    """Destroy what is due today in this tenant (receipts and log entries included)."""
    actor = Actor.system(f"bewaartermijnen:{job.message_id}")
    ronde = await vernietig(job.session, actor, vandaag=klok.vandaag(), batch_id=job.message_id)
    log.info(
        "retention sweep",
        extra={
            "tenant": job.tenant.slug,
            "batch_id": str(ronde.batch_id),
            "vernietigd": len(ronde.vernietigd),
            "geblokkeerd": len(ronde.geblokkeerd),
            "mislukt": len(ronde.mislukt),
            "logregels_opgeschoond": ronde.logregels_opgeschoond,
        },
    )


if retention_sweep not in HOUSEKEEPING_TASKS:
    HOUSEKEEPING_TASKS.append(retention_sweep)
