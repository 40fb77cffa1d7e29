"""One row per reminder sent: kind, subject (an id) and the due date it reminds of."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Herinnering"]


class Herinnering(TimestampedKey, TenantBase):
    """Keyed by the due date, not the day of sending: a rerun, or the next day's run while
    the review is still overdue, sends nothing again; a new due date reminds anew."""

    __tablename__ = "herinnering"
    __table_args__ = (UniqueConstraint("soort", "onderwerp_id", "vervaldatum"),)

    soort: Mapped[str] = mapped_column(String(30))
    onderwerp_id: Mapped[uuid.UUID]
    vervaldatum: Mapped[date] = mapped_column(Date)
