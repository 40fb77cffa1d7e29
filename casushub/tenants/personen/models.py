"""The person concerned (betrokkene). Skeleton; the workflow issue completes it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Persoon"]


class Persoon(TimestampedKey, TenantBase):
    __tablename__ = "persoon"

    naam: Mapped[str] = mapped_column(String(200))
    geboortedatum: Mapped[date | None] = mapped_column(Date)
    # CBS gemeentecode of the gemeente van verblijf: decides the contactpunt (Besluit art. 2(2)).
    gemeente_van_verblijf: Mapped[str] = mapped_column(String(4))
