"""The plan van aanpak of a casus and its interventions."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey
from casushub.tenants.plan.rules import InterventieStatus

__all__ = ["Interventie", "Plan"]


class Plan(TimestampedKey, TenantBase):
    __tablename__ = "plan"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), unique=True
    )
    doel: Mapped[str] = mapped_column(Text, default="")
    vastgesteld_op: Mapped[date | None] = mapped_column(Date)


class Interventie(TimestampedKey, TenantBase):
    __tablename__ = "interventie"

    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), index=True
    )
    omschrijving: Mapped[str] = mapped_column(Text)
    domein: Mapped[str] = mapped_column(String(30))
    verantwoordelijke_id: Mapped[uuid.UUID]
    verantwoordelijke_type: Mapped[str] = mapped_column(String(20))
    # The participant's own power: the casusoverleg has none of its own.
    bevoegdheid: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=InterventieStatus.GEPLAND)
    deadline: Mapped[date | None] = mapped_column(Date)
    reviewdatum: Mapped[date | None] = mapped_column(Date)
    resultaat: Mapped[str | None] = mapped_column(Text)
    # Only for an invited third party: the participant that commissioned it and the commission.
    opdrachtgever_id: Mapped[uuid.UUID | None]
    opdracht: Mapped[str | None] = mapped_column(Text)
