"""A casus under the Wet and what hangs on it: participants, items, moves, re-assessments."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, validates

from casushub.tenants.base import TenantBase, TimestampedKey
from casushub.tenants.casus.rules import WETTELIJKE_GRONDSLAG, Status

__all__ = [
    "Bijlage",
    "Casus",
    "CasusDeelnemer",
    "Herbeoordeling",
    "InformatieItem",
    "Overdrachtstaak",
    "Verhuizing",
]


class Casus(TimestampedKey, TenantBase):
    __tablename__ = "casus"
    __table_args__ = (
        # Rule 1: nothing but this Wet, enforced by the database as well.
        CheckConstraint(
            f"wettelijke_grondslag = '{WETTELIJKE_GRONDSLAG}'", name="wettelijke_grondslag"
        ),
    )

    weging_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weging.id"), unique=True)
    persoon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persoon.id"), index=True)
    wettelijke_grondslag: Mapped[str] = mapped_column(String(200), default=WETTELIJKE_GRONDSLAG)
    regie_gemeente: Mapped[str] = mapped_column(String(4))
    gemeente_van_verblijf: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default=Status.AANGEMELD)
    intake_datum: Mapped[date] = mapped_column(Date)
    procesregisseur_id: Mapped[uuid.UUID | None]
    volgende_review: Mapped[date] = mapped_column(Date)
    plan_uiterlijk: Mapped[date] = mapped_column(Date)
    monitoren_sinds: Mapped[date | None] = mapped_column(Date)
    status_voor_afsluiting: Mapped[str | None] = mapped_column(String(20))
    afgesloten_op: Mapped[date | None] = mapped_column(Date)
    afsluitreden: Mapped[str | None] = mapped_column(Text)
    # The day the closure was registered: the reopen period runs from here.
    afsluiting_geregistreerd: Mapped[date | None] = mapped_column(Date)
    destroy_on: Mapped[date | None] = mapped_column(Date)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)

    @validates("wettelijke_grondslag")
    def _immutable_basis(self, key: str, value: str) -> str:
        if value != WETTELIJKE_GRONDSLAG:
            msg = "de wettelijke grondslag van een casus ligt vast"
            raise ValueError(msg)
        return value


# The dashboard's lists, each in its own order: a page of 25 reads the first rows of its index
# instead of sorting every open casus (tenant migration t0008).
Index("ix_casus_intake_datum", Casus.intake_datum.desc(), Casus.id)
Index("ix_casus_volgende_review", Casus.volgende_review, Casus.id)
Index("ix_casus_plan_uiterlijk", Casus.plan_uiterlijk, Casus.id)


class CasusDeelnemer(TimestampedKey, TenantBase):
    __tablename__ = "casus_deelnemer"
    __table_args__ = (UniqueConstraint("casus_id", "organisatie_id"),)

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    organisatie_id: Mapped[uuid.UUID]
    organisatie_type: Mapped[str] = mapped_column(String(20))


class InformatieItem(TimestampedKey, TenantBase):
    __tablename__ = "informatie_item"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    tekst: Mapped[str] = mapped_column(Text)
    bron_organisatie_id: Mapped[uuid.UUID]
    datum: Mapped[date] = mapped_column(Date)
    categorie: Mapped[str] = mapped_column(String(20))
    # Free text set by the source, e.g. "niet verder delen buiten het casusoverleg".
    deelbeperking: Mapped[str | None] = mapped_column(String(300))
    vastgelegd_door: Mapped[uuid.UUID | None]
    # Brought in by an invited partner (casushub.tenants.uitnodigingen.inbreng): through which
    # invitation, and the ground on which it shares (for a professional with a duty of
    # secrecy: the ground for breaking it), with its explanation.
    uitnodiging_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("uitnodiging.id", ondelete="SET NULL", use_alter=True), index=True
    )
    deelgrond: Mapped[str | None] = mapped_column(String(40))
    deelgrond_toelichting: Mapped[str | None] = mapped_column(Text)


class Bijlage(TimestampedKey, TenantBase):
    """A file on a signal or an information item; the bytes live in the tenant schema so the
    casus's destruction removes them in the same transaction."""

    __tablename__ = "bijlage"
    __table_args__ = (
        CheckConstraint("(signaal_id IS NULL) <> (item_id IS NULL)", name="een_eigenaar"),
    )

    signaal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("signaal.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("informatie_item.id", ondelete="CASCADE"), index=True
    )
    bestandsnaam: Mapped[str] = mapped_column(String(200))
    mediatype: Mapped[str] = mapped_column(String(100))
    inhoud: Mapped[bytes] = mapped_column(LargeBinary)


class Verhuizing(TimestampedKey, TenantBase):
    __tablename__ = "verhuizing"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    van_gemeente: Mapped[str] = mapped_column(String(4))
    naar_gemeente: Mapped[str] = mapped_column(String(4))
    datum: Mapped[date] = mapped_column(Date)


class Overdrachtstaak(TimestampedKey, TenantBase):
    """Hand-over to the new gemeente van verblijf (rule 10); done by that municipality."""

    __tablename__ = "overdrachtstaak"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    verhuizing_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("verhuizing.id", ondelete="CASCADE"), index=True
    )
    naar_gemeente: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="open")
    afgerond_op: Mapped[date | None] = mapped_column(Date)


class Herbeoordeling(TimestampedKey, TenantBase):
    """The periodic necessity review, against the same five criteria as the weging."""

    __tablename__ = "herbeoordeling"

    casus_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casus.id", ondelete="CASCADE"), index=True
    )
    datum: Mapped[date] = mapped_column(Date)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    redenering: Mapped[str] = mapped_column(Text)
    vastgelegd_door: Mapped[uuid.UUID | None]
