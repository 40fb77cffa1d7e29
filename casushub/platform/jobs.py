"""Job status and progress for long background work, and the dead letters.

A job row lives in ``platform`` (no personal data: a kind, ids, counters and a Dutch status
line), so any screen can show "bezig: 3 van 12" with the htmx fragment in
``casushub/web/jobs.py``. Each update is its own short transaction on purpose: progress must
be visible while the long work still runs in another transaction.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Integer, String, Text, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "DeadLetter",
    "Job",
    "JobStatus",
    "JobView",
    "create_job",
    "fail_job",
    "finish_job",
    "get_job",
    "report_progress",
    "start_job",
    "unsent_jobs",
]


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(PlatformBase):
    __tablename__ = "jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(100))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500), default="")
    # Parameters that are not ids but also not personal data (a municipality's slug and name
    # for provisioning), kept here so the message itself carries the job id only.
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeadLetter(PlatformBase):
    """A message whose retries ran out; an operator lists and retries it from the CLI."""

    __tablename__ = "dead_letters"

    message_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    queue_name: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(100))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column()
    # The whole dramatiq message: ids and options only, never personal data.
    message: Mapped[dict[str, Any]] = mapped_column(JSONB)
    error: Mapped[str] = mapped_column(Text, default="")
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    retried_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class JobView:
    id: uuid.UUID
    kind: str
    status: str
    done: int
    total: int | None
    message: str
    params: dict[str, Any]
    attempts: int = 0
    tenant_id: uuid.UUID | None = None

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE.value, JobStatus.FAILED.value}

    @property
    def status_text(self) -> str:
        """One Dutch line that says where the job is, for screen readers and sighted users."""
        if self.status == JobStatus.QUEUED.value:
            return "In de wachtrij"
        if self.status == JobStatus.RUNNING.value:
            if self.total:
                return f"Bezig: {self.done} van {self.total}"
            return "Bezig"
        if self.status == JobStatus.DONE.value:
            return self.message or "Klaar"
        return f"Mislukt: {self.message}" if self.message else "Mislukt"


async def create_job(
    engine: AsyncEngine,
    kind: str,
    *,
    tenant_id: uuid.UUID | None = None,
    params: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Record a queued job; enqueue its message (carrying this id) after this commits."""
    async with engine.begin() as conn:
        result = await conn.execute(
            insert(Job)
            .values(id=new_id(), kind=kind, tenant_id=tenant_id, params=params or {})
            .returning(Job.id)
        )
        return result.scalar_one()


async def start_job(engine: AsyncEngine, job_id: uuid.UUID) -> JobView | None:
    """Mark the job running (again, on a retry); ``None`` when it is unknown or finished."""
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_(["queued", "running"]))
                .values(
                    status=JobStatus.RUNNING.value,
                    attempts=Job.attempts + 1,
                    started_at=func.now(),
                    message="",
                )
                .returning(Job)
            )
        ).first()
    return _view(row) if row is not None else None


async def report_progress(
    engine: AsyncEngine, job_id: uuid.UUID, done: int, total: int | None
) -> None:
    async with engine.begin() as conn:
        await conn.execute(update(Job).where(Job.id == job_id).values(done=done, total=total))


async def finish_job(engine: AsyncEngine, job_id: uuid.UUID, message: str = "Klaar") -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.DONE.value, message=message[:500], finished_at=func.now())
        )


async def fail_job(engine: AsyncEngine, job_id: uuid.UUID, message: str) -> None:
    """Final failure, with a Dutch message fit for the screen."""
    async with engine.begin() as conn:
        await conn.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.FAILED.value, message=message[:500], finished_at=func.now())
        )


async def unsent_jobs(
    engine: AsyncEngine, *, older_than_seconds: int = 300
) -> list[tuple[uuid.UUID, str]]:
    """Queued jobs that never started: their message was lost (broker down when the web sent
    it, or a crash right after commit). The sweep sends them again, under the job's id.

    (id, kind); the kind is the actor's name.
    """
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Job.id, Job.kind)
            .where(
                Job.status == JobStatus.QUEUED.value,
                Job.attempts == 0,
                Job.created_at
                < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, older_than_seconds),
            )
            .order_by(Job.created_at)
            .limit(1000)
        )
        return [(row.id, row.kind) for row in rows]


async def get_job(engine: AsyncEngine, job_id: uuid.UUID) -> JobView | None:
    async with engine.connect() as conn:
        row = (await conn.execute(select(Job).where(Job.id == job_id))).first()
    return _view(row) if row is not None else None


def _view(row: Any) -> JobView:
    return JobView(
        id=row.id,
        kind=row.kind,
        status=row.status,
        done=row.done,
        total=row.total,
        message=row.message,
        params=dict(row.params or {}),
        attempts=row.attempts,
        tenant_id=row.tenant_id,
    )
