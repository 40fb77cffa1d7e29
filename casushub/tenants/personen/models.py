"""The person concerned (betrokkene) and the persons linked to a casus (derden)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Derde", "Persoon"]


class Persoon(TimestampedKey, TenantBase):
    __tablename__ = "persoon"

    naam: Mapped[str] = mapped_column(String(200))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    # CBS gemeentecode of the gemeente van verblijf: decides the contactpunt (Besluit art. 2(2)).
    gemeente_van_verblijf: Mapped[str] = mapped_column(String(4))
    adres: Mapped[str | None] = mapped_column(String(300))
    aliassen: Mapped[list[str]] = mapped_column(JSONB, default=list)


class Derde(TimestampedKey, TenantBase):
    """A linked person (parent, sibling, partner): shares the casus's scope and retention."""

    __tablename__ = "derde"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    naam: Mapped[str] = mapped_column(String(200))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    relatie: Mapped[str] = mapped_column(String(60))
