"""The contactpunt's queue: requests, extensions, consultations, decisions, restrictions,
rectifications, reminders and forwarding receipts.

A request lives in the schema of the data subject's gemeente van verblijf (Besluit art. 2(2));
the municipality that received it keeps only a ``Doorzending`` without personal data. Person
ids point into this schema only: a request forwarded from elsewhere identifies the person by
the name and date of birth the submitter gave, until the contactpunt links its own record.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casushub.tenants.base import TenantBase, TimestampedKey
from casushub.tenants.verzoeken.rules import (
    Beperkingsstatus,
    Consultatiestatus,
    VerzoekStatus,
)

__all__ = [
    "Besluit",
    "Consultatie",
    "Doorzending",
    "InzageBeperking",
    "Onthouding",
    "Rectificatie",
    "RectificatieMelding",
    "Verlenging",
    "Verzoek",
    "VerzoekHerinnering",
]


class Verzoek(TimestampedKey, TenantBase):
    __tablename__ = "verzoek"

    ontvangstnummer: Mapped[str] = mapped_column(String(24), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=VerzoekStatus.ONTVANGEN)
    kanaal: Mapped[str] = mapped_column(String(20))
    # Day 0 of the deadline (art. 12(3) AVG), in the municipality's own calendar.
    ontvangen_op: Mapped[date] = mapped_column(Date)
    ontvangen_tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    termijn: Mapped[date] = mapped_column(Date, index=True)
    verlengd_maanden: Mapped[int] = mapped_column(Integer, default=0)
    gemeente_van_verblijf: Mapped[str] = mapped_column(String(4))
    # Where it came in, when that was another municipality (or the hub: "hub").
    ontvangen_bij: Mapped[str | None] = mapped_column(String(41))
    persoon_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("persoon.id", ondelete="SET NULL"), index=True
    )
    betrokkene_naam: Mapped[str] = mapped_column(String(200))
    betrokkene_geboortedatum: Mapped[date | None] = mapped_column(Date)
    indiener_naam: Mapped[str] = mapped_column(String(200))
    indiener_email: Mapped[str | None] = mapped_column(String(320), index=True)
    indiener_telefoon: Mapped[str | None] = mapped_column(String(40))
    indiener_adres: Mapped[str | None] = mapped_column(String(300))
    bericht: Mapped[str] = mapped_column(Text, default="")
    geregistreerd_door: Mapped[uuid.UUID | None]
    geregistreerd_door_organisatie: Mapped[uuid.UUID | None]
    identiteit_geverifieerd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    identiteit_geverifieerd_door: Mapped[uuid.UUID | None]
    # The contactpunt searched and found no record of the person: the answer says so.
    persoon_onbekend_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    persoon_onbekend_door: Mapped[uuid.UUID | None]
    # Hand-over status: whom to send it to when the gemeente van verblijf is not on this hub.
    overdracht_aan: Mapped[str | None] = mapped_column(Text)


class Verlenging(TimestampedKey, TenantBase):
    __tablename__ = "verzoek_verlenging"

    verzoek_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("verzoek.id", ondelete="CASCADE"), index=True
    )
    maanden: Mapped[int] = mapped_column(Integer)
    reden: Mapped[str] = mapped_column(Text)
    kennisgeving_op: Mapped[date] = mapped_column(Date)
    nieuwe_termijn: Mapped[date] = mapped_column(Date)
    door: Mapped[uuid.UUID | None]


class Consultatie(TimestampedKey, TenantBase):
    """A participant that supplied data on the person is asked for its view (Besluit art. 3)."""

    __tablename__ = "verzoek_consultatie"
    __table_args__ = (UniqueConstraint("verzoek_id", "organisatie_id"),)

    verzoek_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("verzoek.id", ondelete="CASCADE"), index=True
    )
    organisatie_id: Mapped[uuid.UUID] = mapped_column(index=True)
    termijn: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=Consultatiestatus.OPEN)
    antwoord: Mapped[str | None] = mapped_column(Text)
    beantwoord_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    beantwoord_door: Mapped[uuid.UUID | None]


class Besluit(TimestampedKey, TenantBase):
    """The one decision of the contactpunt, on behalf of all joint controllers."""

    __tablename__ = "verzoek_besluit"

    verzoek_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("verzoek.id", ondelete="CASCADE"), unique=True
    )
    uitkomst: Mapped[str] = mapped_column(String(20))
    motivering: Mapped[str] = mapped_column(Text)
    genomen_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    genomen_door: Mapped[uuid.UUID | None]
    genomen_door_organisatie: Mapped[uuid.UUID | None]
    uitgevoerd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What carrying it out left: the deletion receipts of an erasure, the hold of a
    # restriction or objection (lifted from the request page).
    vernietiging_batch_id: Mapped[uuid.UUID | None]
    blokkade_id: Mapped[uuid.UUID | None]


class InzageBeperking(TimestampedKey, TenantBase):
    """An item a participant asked to withhold from inzage, on a legal ground, until review."""

    __tablename__ = "inzage_beperking"
    __table_args__ = (UniqueConstraint("item_soort", "item_id"),)

    persoon_id: Mapped[uuid.UUID] = mapped_column(index=True)
    item_soort: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[uuid.UUID]
    grond: Mapped[str] = mapped_column(String(40))
    toelichting: Mapped[str] = mapped_column(Text, default="")
    gevraagd_door_organisatie: Mapped[uuid.UUID]
    gevraagd_door: Mapped[uuid.UUID | None]
    gevraagd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    herzien_op: Mapped[date] = mapped_column(Date, index=True)
    bevestigd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=Beperkingsstatus.ACTIEF)
    beeindigd_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Onthouding(TimestampedKey, TenantBase):
    """What a decision withheld and why: recorded in the decision, never in the export."""

    __tablename__ = "verzoek_onthouding"

    besluit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("verzoek_besluit.id", ondelete="CASCADE"), index=True
    )
    beperking_id: Mapped[uuid.UUID]
    item_soort: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[uuid.UUID]
    grond: Mapped[str] = mapped_column(String(40))
    gevraagd_door_organisatie: Mapped[uuid.UUID]
    gevraagd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Rectificatie(TimestampedKey, TenantBase):
    """One corrected field, with the old value kept as history (art. 16 AVG)."""

    __tablename__ = "rectificatie"

    verzoek_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("verzoek.id", ondelete="SET NULL"), index=True
    )
    persoon_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    casus_id: Mapped[uuid.UUID | None]
    item_soort: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[uuid.UUID]
    veld: Mapped[str] = mapped_column(String(60))
    oude_waarde: Mapped[str | None] = mapped_column(Text)
    nieuwe_waarde: Mapped[str | None] = mapped_column(Text)
    gecorrigeerd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gecorrigeerd_door: Mapped[uuid.UUID | None]


class RectificatieMelding(TimestampedKey, TenantBase):
    """A recipient of the old value who must hear of the correction (art. 19 AVG)."""

    __tablename__ = "rectificatie_melding"
    __table_args__ = (
        UniqueConstraint(
            "rectificatie_id", "organisatie_id", "user_id", postgresql_nulls_not_distinct=True
        ),
    )

    rectificatie_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rectificatie.id", ondelete="CASCADE"), index=True
    )
    organisatie_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    mail_id: Mapped[uuid.UUID | None]
    gemeld_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class VerzoekHerinnering(TimestampedKey, TenantBase):
    """A reminder the daily run raised for the contactpunt (at most one per kind and day)."""

    __tablename__ = "verzoek_herinnering"
    __table_args__ = (UniqueConstraint("soort", "onderwerp_id", "datum"),)

    soort: Mapped[str] = mapped_column(String(30))
    onderwerp_id: Mapped[uuid.UUID] = mapped_column(index=True)
    datum: Mapped[date] = mapped_column(Date)
    afgehandeld_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Doorzending(TimestampedKey, TenantBase):
    """Receipt kept by the municipality that received a request for another: no personal data."""

    __tablename__ = "verzoek_doorzending"

    type: Mapped[str] = mapped_column(String(20))
    ontvangen_op: Mapped[date] = mapped_column(Date)
    naar_gemeentecode: Mapped[str] = mapped_column(String(4))
    # Set when the municipality is on this hub; the number is the one the person was given.
    naar_tenant_id: Mapped[uuid.UUID | None]
    ontvangstnummer: Mapped[str | None] = mapped_column(String(24))
    door: Mapped[uuid.UUID | None]
    door_organisatie: Mapped[uuid.UUID | None]
