"""A signaal: a concern about a person, brought in by a participant."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["AANLEIDINGEN", "Signaal", "SignaalStatus"]

# Why a signal falls under the Wet, in its own words (its title: radicalisering en
# terroristische activiteiten); a concern about anything else belongs to the municipality's
# regular persoonsgerichte aanpak, not here.
AANLEIDINGEN = {
    "radicalisering": "zorgen over radicalisering",
    "terroristische_activiteiten": "zorgen over terroristische activiteiten",
}


class SignaalStatus(enum.StrEnum):
    TE_WEGEN = "te_wegen"
    GEEN_ACTIE = "geen_actie"
    OPNAME = "opname"
    STRAFRECHTELIJK = "strafrechtelijk"


class Signaal(TimestampedKey, TenantBase):
    __tablename__ = "signaal"
    __table_args__ = (
        CheckConstraint(
            "aanleiding IS NULL OR aanleiding IN ('radicalisering', 'terroristische_activiteiten')",
            name="aanleiding",
        ),
    )

    persoon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persoon.id"), index=True)
    # Participant organisation that brought the signal in (platform id; no FK out of the schema).
    bron_organisatie_id: Mapped[uuid.UUID]
    ontvangen_op: Mapped[date] = mapped_column(Date)
    ontvangen_door: Mapped[uuid.UUID | None]
    omschrijving: Mapped[str] = mapped_column(Text)
    # Why it falls under the Wet: 'radicalisering' or 'terroristische_activiteiten' (AANLEIDINGEN),
    # with the reporter's reasoning. Empty only on signals registered before it was asked.
    aanleiding: Mapped[str | None] = mapped_column(String(30))
    aanleiding_toelichting: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=SignaalStatus.TE_WEGEN)
    # Set by 'meer informatie nodig': when the weegploeg looks at it again.
    vervolgdatum: Mapped[date | None] = mapped_column(Date)
    # Set by 'geen actie' (rule 7): the short retention clock of the signal.
    destroy_on: Mapped[date | None] = mapped_column(Date)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
