"""Exports made (metadata only, no content) and approvals of sources for sensitive items."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Export", "ExportGoedkeuring"]


class Export(TimestampedKey, TenantBase):
    """That an export happened, for what and to where: the content is not kept here."""

    __tablename__ = "export"

    doel: Mapped[str] = mapped_column(String(200))
    bestemming: Mapped[str] = mapped_column(String(30))
    formaat: Mapped[str] = mapped_column(String(10))
    casus_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    persoon_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    interventie_id: Mapped[uuid.UUID | None]
    verzoek_id: Mapped[uuid.UUID | None]
    aantal_items: Mapped[int]
    door: Mapped[uuid.UUID | None]
    door_organisatie: Mapped[uuid.UUID | None]


class ExportGoedkeuring(TimestampedKey, TenantBase):
    """A source participant's approval to export one of its sensitive items for one purpose."""

    __tablename__ = "export_goedkeuring"
    __table_args__ = (UniqueConstraint("item_soort", "item_id", "doel", "bestemming"),)

    item_soort: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[uuid.UUID]
    doel: Mapped[str] = mapped_column(String(200))
    bestemming: Mapped[str] = mapped_column(String(30))
    bron_organisatie_id: Mapped[uuid.UUID]
    gevraagd_door: Mapped[uuid.UUID | None]
    gevraagd_door_organisatie: Mapped[uuid.UUID | None]
    besloten_door: Mapped[uuid.UUID | None]
    besloten_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # open | goedgekeurd | geweigerd
    status: Mapped[str] = mapped_column(String(20), default="open")
