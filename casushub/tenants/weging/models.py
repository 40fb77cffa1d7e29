"""A weging by the weegploeg and who attended it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Weging", "WegingAanwezige"]


class Weging(TimestampedKey, TenantBase):
    __tablename__ = "weging"

    signaal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("signaal.id", ondelete="CASCADE"), index=True
    )
    datum: Mapped[date] = mapped_column(Date)
    # {criterium: {"beoordeling": ..., "toelichting": ...}} for the five criteria of art. 5(3).
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    uitkomst: Mapped[str | None] = mapped_column(String(20))
    redenering: Mapped[str] = mapped_column(Text, default="")
    vervolgdatum: Mapped[date | None] = mapped_column(Date)
    vastgesteld_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    vastgesteld_door: Mapped[uuid.UUID | None]


class WegingAanwezige(TimestampedKey, TenantBase):
    __tablename__ = "weging_aanwezige"
    __table_args__ = (UniqueConstraint("weging_id", "organisatie_id"),)

    weging_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("weging.id", ondelete="CASCADE"), index=True
    )
    organisatie_id: Mapped[uuid.UUID]
    # gemeente, politie, om, ... (copied: platform data cannot be joined from a tenant schema)
    organisatie_type: Mapped[str] = mapped_column(String(20))
