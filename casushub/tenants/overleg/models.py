"""Agenda items of a casus in a (hub-level) meeting, with minutes, decisions and attendance.

The meeting itself lives in the platform schema (no personal data); ``bijeenkomst_id`` is a
plain UUID because tenant tables may not point out of their schema.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["DOELEN", "Aanwezigheid", "AgendaActie", "Agendapunt"]

DOELEN = {
    "intake": "intake",
    "bespreking": "bespreking",
    "review": "review",
    "afsluiting": "afsluiting",
}


class Agendapunt(TimestampedKey, TenantBase):
    __tablename__ = "agendapunt"
    # The unique constraint's index leads with bijeenkomst_id: it serves a meeting's agenda.
    __table_args__ = (UniqueConstraint("bijeenkomst_id", "casus_id"),)

    bijeenkomst_id: Mapped[uuid.UUID]
    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    doel: Mapped[str] = mapped_column(String(20))
    notulen: Mapped[str] = mapped_column(Text, default="")


class AgendaActie(TimestampedKey, TenantBase):
    """A decision or an action taken on an agenda item; an action may become an intervention."""

    __tablename__ = "agenda_actie"

    agendapunt_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agendapunt.id", ondelete="CASCADE"), index=True
    )
    soort: Mapped[str] = mapped_column(String(10))  # besluit | actie
    tekst: Mapped[str] = mapped_column(Text)
    interventie_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("interventie.id", ondelete="SET NULL"), index=True
    )


class Aanwezigheid(TimestampedKey, TenantBase):
    __tablename__ = "aanwezigheid"
    # The unique constraint's index leads with bijeenkomst_id: it serves a meeting's presence.
    __table_args__ = (UniqueConstraint("bijeenkomst_id", "organisatie_id"),)

    bijeenkomst_id: Mapped[uuid.UUID]
    organisatie_id: Mapped[uuid.UUID]
    aanwezig: Mapped[bool] = mapped_column(Boolean, default=True)
