"""Record outgoing work and make its effect happen once, inside a tenant session.

``record`` adds an entry to the caller's transaction: if the transaction rolls back, the work
is never sent; once it commits, the relay (``casushub.workers.relay``) sends it, also after a
crash. ``claim_once`` is how an actor makes a message's effect happen at most once: it marks
the message in the same transaction as the effect, so a duplicate delivery finds the mark.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from casushub.platform.ids import new_id
from casushub.tenants.outbox.models import OutboxEntry, ProcessedMessage

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["NotAnId", "claim_once", "prune_delivery_records", "record"]

_ACTOR_NAME = re.compile(r"^[a-z][a-z0-9_.]{0,99}$")


class NotAnId(TypeError):
    """A payload value that is not an id: messages carry ids only, never personal data."""


def _as_id(name: str, value: object) -> str | int:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    msg = f"{name}: een bericht bevat alleen id's (UUID of getal), geen {type(value).__name__}"
    raise NotAnId(msg)


def record(session: AsyncSession, actor_name: str, **ids: uuid.UUID | int) -> uuid.UUID:
    """Add an outbox entry to the session's transaction; returns the future message id."""
    if not _ACTOR_NAME.match(actor_name):
        msg = f"ongeldige actornaam: {actor_name!r}"
        raise ValueError(msg)
    payload = {name: _as_id(name, value) for name, value in ids.items()}
    entry = OutboxEntry(id=new_id(), actor_name=actor_name, payload=payload)
    session.add(entry)
    return entry.id


async def claim_once(session: AsyncSession, message_id: uuid.UUID, actor_name: str) -> bool:
    """True the first time for ``message_id``; False when its effect already committed.

    A concurrent duplicate waits on the primary key until the first transaction ends, then
    finds the mark (or takes over if the first rolled back).
    """
    result = await session.execute(
        insert(ProcessedMessage)
        .values(message_id=message_id, actor_name=actor_name)
        .on_conflict_do_nothing(index_elements=[ProcessedMessage.message_id])
        .returning(ProcessedMessage.message_id)
    )
    return result.first() is not None


async def prune_delivery_records(session: AsyncSession, *, keep_days: int) -> None:
    """Drop relayed outbox entries and processed marks older than any redelivery can be."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    await session.execute(
        delete(OutboxEntry).where(
            OutboxEntry.relayed_at.is_not(None), OutboxEntry.relayed_at < cutoff
        )
    )
    await session.execute(delete(ProcessedMessage).where(ProcessedMessage.processed_at < cutoff))
