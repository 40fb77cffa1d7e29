"""Invitations of third parties to one casus for one meeting, with their data scope."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Uitnodiging", "UitnodigingItem"]


class Uitnodiging(TimestampedKey, TenantBase):
    __tablename__ = "uitnodiging"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    bijeenkomst_id: Mapped[uuid.UUID]
    organisatie_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # Optionally one person of that organisation (platform user id).
    user_id: Mapped[uuid.UUID | None]
    reden: Mapped[str] = mapped_column(Text)
    uitgenodigd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    vervalt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    geaccepteerd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    geaccepteerd_door: Mapped[uuid.UUID | None]
    ingetrokken: Mapped[bool] = mapped_column(Boolean, default=False)
    uitgenodigd_door: Mapped[uuid.UUID | None]
    # The invitation lets the partner bring information into the casus (rule 4 still holds:
    # the item records its source and ground, and is tagged like any other).
    mag_inbrengen: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class UitnodigingItem(TimestampedKey, TenantBase):
    __tablename__ = "uitnodiging_item"
    __table_args__ = (UniqueConstraint("uitnodiging_id", "item_id"),)

    uitnodiging_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("uitnodiging.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("informatie_item.id", ondelete="CASCADE"), index=True
    )
