"""A signaal: a concern about a person, brought in by a participant."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Signaal", "SignaalStatus"]


class SignaalStatus(enum.StrEnum):
    TE_WEGEN = "te_wegen"
    GEEN_ACTIE = "geen_actie"
    OPNAME = "opname"
    STRAFRECHTELIJK = "strafrechtelijk"


class Signaal(TimestampedKey, TenantBase):
    __tablename__ = "signaal"

    persoon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persoon.id"), index=True)
    # Participant organisation that brought the signal in (platform id; no FK out of the schema).
    bron_organisatie_id: Mapped[uuid.UUID]
    ontvangen_op: Mapped[date] = mapped_column(Date)
    ontvangen_door: Mapped[uuid.UUID | None]
    omschrijving: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=SignaalStatus.TE_WEGEN)
    # Set by 'meer informatie nodig': when the weegploeg looks at it again.
    vervolgdatum: Mapped[date | None] = mapped_column(Date)
    # Set by 'geen actie' (rule 7): the short retention clock of the signal.
    destroy_on: Mapped[date | None] = mapped_column(Date)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
