"""Retention tables: the tenant's own periods, legal holds, deletion receipts.

None of them holds personal data except a hold's reason (it lives and dies with the person:
``ON DELETE CASCADE`` from ``persoon``). Receipts are append-only like the access log (the
tenant role may insert and read them, nothing else; revision t0005).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.tenants.base import TenantBase
from casushub.tenants.personen.models import Persoon

__all__ = ["Bewaartermijn", "Blokkadegrond", "JuridischeBlokkade", "Vernietigingsbewijs"]


class Bewaartermijn(TenantBase):
    """One change of one retention parameter; the newest row per ``sleutel`` applies.

    Rows are never changed, so the table is the parameter's history with who, when and why.
    """

    __tablename__ = "bewaartermijn"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sleutel: Mapped[str] = mapped_column(String(60))
    jaren: Mapped[int] = mapped_column(Integer)
    reden: Mapped[str] = mapped_column(Text)
    user_id: Mapped[uuid.UUID | None]
    organisation_id: Mapped[uuid.UUID | None]
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Blokkadegrond(enum.StrEnum):
    VERZOEK = "verzoek"  # a pending data-subject request
    BEZWAAR = "bezwaar"  # an objection
    KLACHT_AP = "klacht_ap"  # a complaint at the Autoriteit Persoonsgegevens
    RECHTSZAAK = "rechtszaak"  # a court case
    BEPERKING = "beperking"  # a granted restriction of processing (art. 18 AVG)


class JuridischeBlokkade(TenantBase):
    """A legal hold: while open, nothing of the person (or of the one casus) is destroyed."""

    __tablename__ = "juridische_blokkade"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    persoon_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(Persoon.id, ondelete="CASCADE"), index=True
    )
    # Set: the hold covers this casus only; NULL: everything about the person (t0012).
    casus_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    grond: Mapped[str] = mapped_column(String(20))
    reden: Mapped[str] = mapped_column(Text)
    # The data-subject request behind a 'verzoek' hold, when there is one.
    verzoek_id: Mapped[uuid.UUID | None]
    ingesteld_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ingesteld_door: Mapped[uuid.UUID | None]
    opgeheven_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opgeheven_door: Mapped[uuid.UUID | None]
    reden_opheffing: Mapped[str | None] = mapped_column(Text)


class Vernietigingsbewijs(TenantBase):
    """What was destroyed, without personal data: kind, id, tenant, when, rule, batch."""

    __tablename__ = "vernietigingsbewijs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    batch_id: Mapped[uuid.UUID] = mapped_column(index=True)
    tenant_id: Mapped[uuid.UUID]
    soort: Mapped[str] = mapped_column(String(20))
    # The destroyed record's id: it points at nothing any more, and lets the FG connect the
    # access log's entries of that casus to the moment and rule of its destruction.
    record_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    vernietigd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    bewaren_tot: Mapped[date | None] = mapped_column(Date)
    regel: Mapped[str] = mapped_column(String(200))
    aantal: Mapped[int] = mapped_column(Integer, default=1)
