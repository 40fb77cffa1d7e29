"""Outbox entries and processed-message marks, one table each per tenant schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.tenants.base import TenantBase

__all__ = ["OutboxEntry", "ProcessedMessage"]


class OutboxEntry(TenantBase):
    """A message to send once the transaction that wrote it has committed.

    The entry's id becomes the message id, so a relay that crashes after enqueueing and
    enqueues again sends the same message, which the actor then processes once.
    """

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    actor_name: Mapped[str] = mapped_column(String(100))
    # Ids only (docs/design.md §3: messages never carry personal data).
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    relayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProcessedMessage(TenantBase):
    """Marks a message whose effect committed; written in the effect's own transaction."""

    __tablename__ = "processed_message"

    message_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
