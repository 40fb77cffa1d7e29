"""Signs of life for the operator: a heartbeat file per process, and the last success of every
periodic job.

The worker and the scheduler serve no HTTP, so their pods are probed with a file:
``DATA_DIR/heartbeat/<component>`` is touched while the process is healthy, and the chart's
exec probe (``sh`` and ``find``, no Python start-up) checks its age.

A stopped scheduler or a retention sweep that keeps failing is otherwise invisible: nothing
errors, work just stops happening. So every periodic job records its last success in
``platform.jobs``, one row per kind (per municipality for the per-tenant housekeeping) with a
fixed id, and ``/metrics`` reports it (``casushub_periodic_last_success_timestamp_seconds``).
The row holds a kind, an optional tenant id and a time: no personal data.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from casushub.platform.jobs import Job, JobStatus

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["PERIODIC_PREFIX", "heartbeat_path", "record_success", "touch"]

PERIODIC_PREFIX = "periodiek:"
_NAMESPACE = uuid.UUID("5b0e8f55-3c1e-4f0e-9d0a-6a1d3c0b7e21")


def heartbeat_path(settings: Settings, component: str) -> Path:
    return settings.data_dir / "heartbeat" / component


def touch(path: Path) -> None:
    """Mark the process alive now (creating the file and its directory on first use)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)


async def record_success(
    engine: AsyncEngine, kind: str, tenant_id: uuid.UUID | None = None
) -> None:
    """Record that the periodic job ``kind`` (an actor's name) just finished successfully."""
    key = uuid.uuid5(_NAMESPACE, f"{kind}:{tenant_id or ''}")
    now = func.now()
    statement = insert(Job).values(
        id=key,
        kind=PERIODIC_PREFIX + kind,
        tenant_id=tenant_id,
        status=JobStatus.DONE.value,
        message="laatste geslaagde run",
        started_at=now,
        finished_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Job.id],
        set_={"finished_at": now, "started_at": now, "status": JobStatus.DONE.value},
    )
    async with engine.begin() as conn:
        await conn.execute(statement)
