"""Hub administration in schema ``platform``: no personal data of citizens.

The regional casusoverleg and its meetings live here as a calendar only; agenda items and
minutes, which are about persons, live in the tenant schema of each casus (docs/design.md §3).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase

__all__ = [
    "ApiToken",
    "AutorisatieReview",
    "Bijeenkomst",
    "Casusoverleg",
    "CasusoverlegGemeente",
    "Implementatiestap",
    "Instructie",
    "InstructieAcceptatie",
    "Situatie",
    "StapStatus",
    "TenantDeelnemer",
    "Training",
]


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Situatie(enum.StrEnum):
    """The municipality's starting point under the Wet (VNG implementation letter)."""

    ZVH = "zvh"  # (1) the burgemeester uses the facilities of a Zorg- en Veiligheidshuis
    GEEN_CONVENANT = "geen_convenant"  # (2) no convenant and no ZVH
    CONVENANT = "convenant"  # (3) a convenant but no ZVH


class StapStatus(enum.StrEnum):
    OPEN = "open"
    BEZIG = "bezig"
    GEREED = "gereed"
    NVT = "nvt"


class TenantDeelnemer(PlatformBase):
    """An organisation taking part in one municipality's casusoverleg."""

    __tablename__ = "tenant_deelnemers"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.tenants.id"), primary_key=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), primary_key=True
    )
    created_at: Mapped[datetime] = _now()


class Casusoverleg(PlatformBase):
    """A standing (regional) casusoverleg held by the hub for one or more municipalities."""

    __tablename__ = "casusoverleggen"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    voorzitter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now()


class CasusoverlegGemeente(PlatformBase):
    __tablename__ = "casusoverleg_gemeenten"

    casusoverleg_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.casusoverleggen.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.tenants.id"), primary_key=True
    )


class Bijeenkomst(PlatformBase):
    """A meeting in the calendar: date, time, place. No personal data."""

    __tablename__ = "bijeenkomsten"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    casusoverleg_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.casusoverleggen.id"), index=True
    )
    begint_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    eindigt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locatie: Mapped[str] = mapped_column(String(300), default="")
    videolink: Mapped[str] = mapped_column(String(500), default="")
    geannuleerd: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _now()


class Implementatiestap(PlatformBase):
    """One step of a municipality's implementation checklist; required steps gate go-live."""

    __tablename__ = "implementatiestappen"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.tenants.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    titel: Mapped[str] = mapped_column(String(300))
    volgorde: Mapped[int] = mapped_column(Integer)
    verplicht: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default=StapStatus.OPEN.value)
    datum: Mapped[date | None] = mapped_column(Date)
    verantwoordelijke: Mapped[str] = mapped_column(String(200), default="")
    documentreferentie: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Instructie(PlatformBase):
    """A hub's versioned instructions on handling these personal data."""

    __tablename__ = "instructies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"), index=True)
    versie: Mapped[int] = mapped_column(Integer)
    tekst: Mapped[str] = mapped_column(Text)
    gepubliceerd_door: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now()


class InstructieAcceptatie(PlatformBase):
    __tablename__ = "instructie_acceptaties"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.users.id"), primary_key=True)
    instructie_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.instructies.id"), primary_key=True
    )
    geaccepteerd_op: Mapped[datetime] = _now()


class Training(PlatformBase):
    __tablename__ = "trainingen"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.users.id"), index=True)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"))
    datum: Mapped[date] = mapped_column(Date)
    omschrijving: Mapped[str] = mapped_column(String(300))
    vastgelegd_door: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now()


class AutorisatieReview(PlatformBase):
    """An organisation admin confirmed its users' access (periodic authorisation review)."""

    __tablename__ = "autorisatiereviews"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), index=True
    )
    bevestigd_door: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.users.id"))
    bevestigd_op: Mapped[datetime] = _now()
    volgende_op: Mapped[date] = mapped_column(Date)
    aantal_gebruikers: Mapped[int] = mapped_column(Integer)


class ApiToken(PlatformBase):
    """A hub admin's token for the admin API: shown once, stored as a hash, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.hubs.id"), index=True)
    naam: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    aangemaakt_door: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now()
    verloopt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ingetrokken_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatst_gebruikt_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
