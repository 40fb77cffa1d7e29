"""The hub's last processor duty, run by the scheduler: destroy the hub's copy of every
terminated municipality once ``TERMINATION_DAYS`` have passed (``lifecycle.vernietig_beeindigde``:
idempotent, logged, the registry row kept as the receipt). Imported through
``broker.ACTOR_MODULES``.
"""

from __future__ import annotations

import logging

from casushub.crosstenant.lifecycle import vernietig_beeindigde
from casushub.platform import klok
from casushub.workers.declare import PlatformJob, platform_actor

__all__ = ["lifecycle_vernietig"]

log = logging.getLogger(__name__)


@platform_actor("lifecycle.vernietig", periodic=True, max_retries=3)
async def lifecycle_vernietig(job: PlatformJob) -> None:
    """Daily: schema, role and export of each municipality past its termination period."""
    current = job.runtime
    vernietigd = await vernietig_beeindigde(current.admin_engine, current.settings, klok.vandaag())
    log.info("terminated municipalities destroyed", extra={"gemeenten": vernietigd})
