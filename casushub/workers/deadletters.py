"""Dead letters: messages whose retries ran out, kept in ``platform`` for any broker.

``casushub jobs failed`` lists them, ``casushub jobs retry ID`` sends the same message (same
id, retry counter reset) again; idempotent actors make a retry after a partial success safe.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dramatiq import Message
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from casushub.platform.jobs import DeadLetter, Job, JobStatus, fail_job
from casushub.workers.middleware import message_tenant_id

if TYPE_CHECKING:
    from dramatiq import Broker
    from dramatiq.broker import MessageProxy
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.workers.runtime import Runtime

__all__ = ["DeadLetterRow", "list_dead_letters", "record_dead_letter", "retry_dead_letter"]

# Worker-internal bookkeeping that must not travel with a retried message.
_RESET_OPTIONS = ("retries", "traceback", "requeue_timestamp", "eta", "dead_letter_reason")


@dataclass(frozen=True)
class DeadLetterRow:
    message_id: uuid.UUID
    actor_name: str
    tenant_id: uuid.UUID | None
    error: str
    failed_at: datetime
    retried_at: datetime | None


async def record_dead_letter(
    current: Runtime, message: Message[Any] | MessageProxy, error: str
) -> None:
    data = message.asdict()
    values = {
        "message_id": uuid.UUID(message.message_id),
        "queue_name": message.queue_name,
        "actor_name": message.actor_name,
        "tenant_id": message_tenant_id(message),
        "message": data,
        # The first line only: tracebacks stay in the worker log.
        "error": error.splitlines()[0][:1000] if error else "",
    }
    statement = insert(DeadLetter).values(**values)
    async with current.app_engine.begin() as conn:
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[DeadLetter.message_id],
                set_={
                    "message": statement.excluded.message,
                    "error": statement.excluded.error,
                    "failed_at": func.now(),
                    "retried_at": None,
                },
            )
        )
    job_id = message.kwargs.get("job_id")
    actor_options = current.broker.get_actor(message.actor_name).options
    if actor_options.get("tracked") and isinstance(job_id, str):
        await fail_job(
            current.app_engine,
            uuid.UUID(job_id),
            "De taak is herhaaldelijk mislukt; een beheerder kan haar opnieuw starten.",
        )


async def list_dead_letters(
    engine: AsyncEngine, *, include_retried: bool = False
) -> list[DeadLetterRow]:
    query = select(DeadLetter).order_by(DeadLetter.failed_at)
    if not include_retried:
        query = query.where(DeadLetter.retried_at.is_(None))
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [
        DeadLetterRow(
            message_id=row.message_id,
            actor_name=row.actor_name,
            tenant_id=row.tenant_id,
            error=row.error,
            failed_at=row.failed_at,
            retried_at=row.retried_at,
        )
        for row in rows
    ]


class UnknownDeadLetter(LookupError):
    pass


async def retry_dead_letter(
    engine: AsyncEngine, broker: Broker, message_id: uuid.UUID
) -> Message[Any]:
    """Send a dead letter again with its own id and a fresh retry budget.

    The dead letter is marked retried and a tracked job reset to "in de wachtrij" *before*
    the message is sent, in a committed transaction: a worker that takes the message at once
    must find the job queued, not its old failure (``start_job`` would skip the work), and its
    progress must not be overwritten by a late reset. A send that fails undoes both.
    """
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                select(DeadLetter).where(DeadLetter.message_id == message_id).with_for_update()
            )
        ).first()
        if row is None:
            msg = f"Geen mislukt bericht met id {message_id}."
            raise UnknownDeadLetter(msg)
        data = dict(row.message)
        options = {
            k: v for k, v in dict(data.get("options") or {}).items() if k not in _RESET_OPTIONS
        }
        message: Message[Any] = Message(
            queue_name=data["queue_name"],
            actor_name=data["actor_name"],
            args=tuple(data.get("args") or ()),
            kwargs=dict(data.get("kwargs") or {}),
            options=options,
            message_id=data["message_id"],
        )
        await conn.execute(
            update(DeadLetter)
            .where(DeadLetter.message_id == message_id)
            .values(retried_at=func.now())
        )
        job_id = message.kwargs.get("job_id")
        job = uuid.UUID(job_id) if isinstance(job_id, str) else None
        before = None
        if job is not None:
            before = (
                await conn.execute(
                    select(Job.status, Job.message, Job.finished_at)
                    .where(Job.id == job)
                    .with_for_update()
                )
            ).first()
            await conn.execute(
                update(Job)
                .where(Job.id == job)
                .values(status=JobStatus.QUEUED.value, message="", finished_at=None)
            )
    try:
        broker.enqueue(message)
    except Exception:
        async with engine.begin() as conn:
            await conn.execute(
                update(DeadLetter)
                .where(DeadLetter.message_id == message_id)
                .values(retried_at=None)
            )
            if job is not None and before is not None:
                await conn.execute(
                    update(Job)
                    .where(Job.id == job, Job.status == JobStatus.QUEUED.value)
                    .values(
                        status=before.status, message=before.message, finished_at=before.finished_at
                    )
                )
        raise
    return message
