"""Rectification (art. 16 AVG) and passing it on to every recipient (art. 19 AVG).

The field is corrected in place and the old value kept in ``Rectificatie`` (history). Who
received the old value is read from the access log: every organisation and user that read,
exported or printed data of the person or their casus before the correction. Each gets a
``RectificatieMelding``; an outbox message makes the worker send them an e-mail without
personal data (a link into the platform only).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.outbox.services import record as outbox
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import bronnen
from casushub.tenants.verzoeken.models import Rectificatie, RectificatieMelding
from casushub.tenants.verzoeken.rules import VerzoekRegelFout
from casushub.tenants.verzoeken.verzoek import DOEL, VerzoekNietGevonden

__all__ = [
    "MELD_ACTOR",
    "OMSCHRIJVING",
    "VELDEN",
    "Verbeterbaar",
    "meldingen_van",
    "mijn_verbeteringen",
    "ontvangers",
    "rectificatie_voor",
    "rectificeer",
    "verbeterbare_gegevens",
]

MELD_ACTOR = "verzoeken.rectificatie_melden"
# Actions after which an organisation holds (a copy of) the value.
_ONTVANGEN = (Actie.READ.value, Actie.EXPORT.value, Actie.PRINT.value)


def _tekst(value: str) -> str | None:
    value = value.strip()
    if not value:
        msg = "Vul de juiste waarde in."
        raise VerzoekRegelFout(msg, "nieuwe_waarde")
    return value


def _datum(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = "Vul een datum in als jaar-maand-dag, bijvoorbeeld 1990-03-17."
        raise VerzoekRegelFout(msg, "nieuwe_waarde") from None


@dataclass(frozen=True)
class Veld:
    model: type[Any]
    attribuut: str
    lees: Callable[[str], Any]


# What can be corrected: (item kind, field) -> where it lives and how the new value is read.
VELDEN: dict[tuple[str, str], Veld] = {
    ("persoon", "naam"): Veld(Persoon, "naam", _tekst),
    ("persoon", "geboortedatum"): Veld(Persoon, "geboortedatum", _datum),
    ("persoon", "adres"): Veld(Persoon, "adres", lambda v: v.strip() or None),
    ("signaal", "omschrijving"): Veld(Signaal, "omschrijving", _tekst),
    ("informatie_item", "tekst"): Veld(InformatieItem, "tekst", _tekst),
    ("agendapunt", "notulen"): Veld(Agendapunt, "notulen", _tekst),
    ("voorgenomen_maatregel", "omschrijving"): Veld(VoorgenomenMaatregel, "omschrijving", _tekst),
}


# How a corrected field is named to its recipients.
OMSCHRIJVING: dict[tuple[str, str], str] = {
    ("persoon", "naam"): "de naam van de betrokkene",
    ("persoon", "geboortedatum"): "de geboortedatum van de betrokkene",
    ("persoon", "adres"): "het adres van de betrokkene",
    ("signaal", "omschrijving"): "de omschrijving van een signaal",
    ("informatie_item", "tekst"): "een informatie-item bij de casus",
    ("agendapunt", "notulen"): "de notulen van een bespreking",
    ("voorgenomen_maatregel", "omschrijving"): "een maatregel van de minister van JenV",
}


def _als_tekst(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


async def ontvangers(
    session: AsyncSession,
    persoon_id: uuid.UUID,
    casus_id: uuid.UUID | None,
    *,
    voor: datetime,
) -> set[tuple[uuid.UUID | None, uuid.UUID | None]]:
    """(organisation, user) pairs that received data of the person or casus before ``voor``."""
    over = [Verwerking.persoon_id == persoon_id]
    if casus_id is not None:
        over.append(Verwerking.casus_id == casus_id)
    rows = await session.execute(
        select(Verwerking.organisation_id, Verwerking.user_id)
        .where(
            or_(*over),
            Verwerking.actie.in_(_ONTVANGEN),
            Verwerking.tijdstip < voor,
            Verwerking.organisation_id.is_not(None),
        )
        .distinct()
    )
    return {(row.organisation_id, row.user_id) for row in rows}


async def rectificeer(
    session: AsyncSession,
    actor: Actor,
    *,
    item_soort: str,
    item_id: uuid.UUID,
    veld: str,
    nieuwe_waarde: str,
    verzoek_id: uuid.UUID | None = None,
) -> tuple[Rectificatie, list[RectificatieMelding]]:
    """Correct one field, keep the old value, and notify everyone who had the old one."""
    spec = VELDEN.get((item_soort, veld))
    if spec is None:
        msg = "Dit gegeven kan hier niet worden verbeterd."
        raise VerzoekRegelFout(msg, "veld")
    target = await session.get(spec.model, item_id)
    if target is None:
        raise VerzoekNietGevonden("Dit gegeven bestaat niet (meer).")
    if item_soort == "persoon":
        persoon_id, casus_id = item_id, None
    else:
        ref = await bronnen.item(session, item_soort, item_id)
        if ref is None:
            raise VerzoekNietGevonden("Dit gegeven bestaat niet (meer).")
        persoon_id, casus_id = ref.persoon_id, ref.casus_id
    nieuw = spec.lees(nieuwe_waarde)
    oud = getattr(target, spec.attribuut)
    if oud == nieuw:
        msg = "De nieuwe waarde is gelijk aan de oude."
        raise VerzoekRegelFout(msg, "nieuwe_waarde")
    nu = datetime.now(UTC)
    # Recipients first: the correction's own log entry must not count as one.
    wie = await ontvangers(session, persoon_id, casus_id, voor=nu)
    setattr(target, spec.attribuut, nieuw)
    correctie = Rectificatie(
        verzoek_id=verzoek_id,
        persoon_id=persoon_id,
        casus_id=casus_id,
        item_soort=item_soort,
        item_id=item_id,
        veld=veld,
        oude_waarde=_als_tekst(oud),
        nieuwe_waarde=_als_tekst(nieuw),
        gecorrigeerd_op=nu,
        gecorrigeerd_door=actor.user_id,
    )
    session.add(correctie)
    await session.flush()
    meldingen = [
        RectificatieMelding(
            rectificatie_id=correctie.id, organisatie_id=org, user_id=user, status="open"
        )
        for org, user in sorted(wie, key=lambda pair: (str(pair[0]), str(pair[1])))
        if user is None or user != actor.user_id
    ]
    session.add_all(meldingen)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=item_soort,
        doel=DOEL,
        persoon_id=persoon_id,
        casus_id=casus_id,
        detail=f"rectificatie={correctie.id};veld={veld};ontvangers={len(meldingen)}",
    )
    if meldingen:
        outbox(session, MELD_ACTOR, rectificatie_id=correctie.id)
    return correctie, meldingen


@dataclass(frozen=True)
class Verbeterbaar:
    """One field of the person's data that a rectification can correct."""

    item_soort: str
    item_id: uuid.UUID
    veld: str
    omschrijving: str
    huidig: str

    @property
    def sleutel(self) -> str:
        return f"{self.item_soort}:{self.item_id}:{self.veld}"


def _kort(tekst: str | None, lengte: int = 80) -> str:
    tekst = " ".join((tekst or "").split())
    return tekst if len(tekst) <= lengte else tekst[: lengte - 1] + "…"


async def verbeterbare_gegevens(session: AsyncSession, persoon_id: uuid.UUID) -> list[Verbeterbaar]:
    """What the contactpunt can correct for this person, with the value it has now."""
    persoon = await session.get(Persoon, persoon_id)
    if persoon is None:
        return []
    gevonden = [
        Verbeterbaar("persoon", persoon.id, "naam", "Naam", persoon.naam),
        Verbeterbaar(
            "persoon",
            persoon.id,
            "geboortedatum",
            "Geboortedatum",
            persoon.geboortedatum.isoformat() if persoon.geboortedatum else "",
        ),
        Verbeterbaar("persoon", persoon.id, "adres", "Adres", persoon.adres or ""),
    ]
    signalen = (
        await session.scalars(
            select(Signaal).where(Signaal.persoon_id == persoon_id).order_by(Signaal.ontvangen_op)
        )
    ).all()
    gevonden += [
        Verbeterbaar(
            "signaal",
            s.id,
            "omschrijving",
            f"Signaal van {s.ontvangen_op:%d-%m-%Y}",
            _kort(s.omschrijving),
        )
        for s in signalen
    ]
    casussen = select(Casus.id).where(Casus.persoon_id == persoon_id).scalar_subquery()
    items = (
        await session.scalars(
            select(InformatieItem)
            .where(InformatieItem.casus_id.in_(casussen))
            .order_by(InformatieItem.datum)
        )
    ).all()
    gevonden += [
        Verbeterbaar(
            "informatie_item",
            i.id,
            "tekst",
            f"Informatie van {i.datum:%d-%m-%Y}",
            _kort(i.tekst),
        )
        for i in items
    ]
    punten = (
        await session.scalars(
            select(Agendapunt).where(Agendapunt.casus_id.in_(casussen), Agendapunt.notulen != "")
        )
    ).all()
    gevonden += [
        Verbeterbaar("agendapunt", p.id, "notulen", "Notulen van een bespreking", _kort(p.notulen))
        for p in punten
    ]
    maatregelen = (
        await session.scalars(
            select(VoorgenomenMaatregel)
            .where(VoorgenomenMaatregel.casus_id.in_(casussen))
            .order_by(VoorgenomenMaatregel.aangekondigd_op)
        )
    ).all()
    gevonden += [
        Verbeterbaar(
            "voorgenomen_maatregel",
            m.id,
            "omschrijving",
            f"Maatregel van de minister, aangekondigd op {m.aangekondigd_op:%d-%m-%Y}",
            _kort(m.omschrijving),
        )
        for m in maatregelen
    ]
    return gevonden


async def rectificatie_voor(
    session: AsyncSession, actor: Actor, rectificatie_id: uuid.UUID
) -> Rectificatie:
    """A correction as its recipient reads it: only for the users and organisations told of
    it (and the contactpunt); reading it marks the reader's notice as read."""
    correctie = await session.get(Rectificatie, rectificatie_id)
    if correctie is None:
        raise VerzoekNietGevonden("Deze verbetering bestaat niet (meer).")
    meldingen = (
        await session.scalars(
            select(RectificatieMelding).where(
                RectificatieMelding.rectificatie_id == correctie.id,
                or_(
                    RectificatieMelding.user_id == actor.user_id,
                    RectificatieMelding.organisatie_id == actor.organisation_id,
                ),
            )
        )
    ).all()
    # The municipality's contactpunt and regie handle the request the correction came from.
    behandelaar = actor.role in {"contactpunt", "gemeente_regie"}
    if (not meldingen and not behandelaar) or actor.user_id is None:
        raise VerzoekNietGevonden("Deze verbetering bestaat niet (meer).")
    for melding in meldingen:
        if melding.user_id == actor.user_id:
            melding.status = "gelezen"
    await record(
        session,
        actor,
        actie=Actie.READ,
        gegevensgroep=correctie.item_soort,
        doel=DOEL,
        persoon_id=correctie.persoon_id,
        casus_id=correctie.casus_id,
        detail=f"rectificatie={correctie.id}",
    )
    await session.flush()
    return correctie


async def meldingen_van(
    session: AsyncSession, verzoek_id: uuid.UUID
) -> list[tuple[Rectificatie, list[RectificatieMelding]]]:
    """The corrections a request made and whom each was passed on to."""
    correcties = (
        await session.scalars(
            select(Rectificatie)
            .where(Rectificatie.verzoek_id == verzoek_id)
            .order_by(Rectificatie.gecorrigeerd_op)
        )
    ).all()
    uit = []
    for correctie in correcties:
        meldingen = (
            await session.scalars(
                select(RectificatieMelding).where(
                    RectificatieMelding.rectificatie_id == correctie.id
                )
            )
        ).all()
        uit.append((correctie, list(meldingen)))
    return uit


async def mijn_verbeteringen(
    session: AsyncSession, actor: Actor, *, limiet: int = 50
) -> list[tuple[Rectificatie, str]]:
    """The corrections passed on to this user or organisation, newest first, each with the
    reader's notice status ("gelezen" once opened). Kinds and dates only: no values."""
    rows = await session.execute(
        select(Rectificatie, RectificatieMelding.status)
        .join(RectificatieMelding, RectificatieMelding.rectificatie_id == Rectificatie.id)
        .where(
            or_(
                RectificatieMelding.user_id == actor.user_id,
                RectificatieMelding.organisatie_id == actor.organisation_id,
            )
        )
        .order_by(Rectificatie.gecorrigeerd_op.desc())
        .limit(limiet)
    )
    gezien: dict[uuid.UUID, tuple[Rectificatie, str]] = {}
    for correctie, status in rows:
        vorige = gezien.get(correctie.id)
        if vorige is None or status == "gelezen":
            gezien[correctie.id] = (correctie, status)
    return list(gezien.values())
