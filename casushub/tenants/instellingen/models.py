"""The tenant's own settings for the casusoverleg: one row per tenant schema."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey

__all__ = ["Instelling"]


class Instelling(TimestampedKey, TenantBase):
    __tablename__ = "instelling"
    __table_args__ = (
        # BSN may only be switched on together with the legal reference that allows it.
        CheckConstraint(
            "NOT bsn_toegestaan OR length(coalesce(bsn_grondslag, '')) > 0", name="bsn_grondslag"
        ),
    )

    # Always true and unique: a second row cannot be inserted.
    enkel: Mapped[bool] = mapped_column(Boolean, default=True, unique=True)
    bsn_toegestaan: Mapped[bool] = mapped_column(Boolean, default=False)
    bsn_grondslag: Mapped[str | None] = mapped_column(String(300))
    review_interval_maanden: Mapped[int] = mapped_column(Integer, default=12)
    plan_termijn_weken: Mapped[int] = mapped_column(Integer, default=4)
    heropen_termijn_dagen: Mapped[int] = mapped_column(Integer, default=14)
    uitnodiging_uitloop_uren: Mapped[int] = mapped_column(Integer, default=24)
