"""A national measure of the Minister of JenV about a person in a casus, announced before it is
taken, and the municipality's decision on how it fits the plan van aanpak."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["VoorgenomenMaatregel"]


class VoorgenomenMaatregel(TimestampedKey, TenantBase):
    __tablename__ = "voorgenomen_maatregel"
    __table_args__ = (
        CheckConstraint("besluit IS NULL OR besluit IN ('opnemen', 'kennisnemen')", name="besluit"),
    )

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    # The JenV organisation that announces it (a participant of the casus).
    organisatie_id: Mapped[uuid.UUID]
    omschrijving: Mapped[str] = mapped_column(Text)
    # The Minister's own power (e.g. the Paspoortwet): the casusoverleg has none.
    bevoegdheid: Mapped[str] = mapped_column(String(300))
    voorgenomen_op: Mapped[date | None] = mapped_column(Date)
    aangekondigd_op: Mapped[date] = mapped_column(Date)
    aangekondigd_door: Mapped[uuid.UUID | None]
    # The municipality's decision (regie): None while it is still open.
    besluit: Mapped[str | None] = mapped_column(String(20))
    besluit_reden: Mapped[str | None] = mapped_column(Text)
    besloten_op: Mapped[date | None] = mapped_column(Date)
    besloten_door: Mapped[uuid.UUID | None]
    # When taken into the plan: the intervention it became.
    interventie_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("interventie.id", ondelete="SET NULL"), index=True
    )
