"""The contactpunt's work on one request, inside one tenant session: registering it, linking
its person (or recording that none is known), the person search and extending the deadline.

Every service takes the session of the municipality whose contactpunt handles the request
(the gemeente van verblijf); crossing to that municipality is ``casushub.crosstenant.contactpunt``'s
job, not this module's. Each change is written to the access log in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.klok import vandaag
from casushub.platform.zoeken import bevat
from casushub.tenants.actor import Actor
from casushub.tenants.outbox.services import record as outbox
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record, search_term_detail
from casushub.tenants.verzoeken.consultaties import (
    start_consultaties,
)
from casushub.tenants.verzoeken.models import (
    Consultatie,
    Verlenging,
    Verzoek,
)
from casushub.tenants.verzoeken.rules import (
    CONSULTATIE_DAGEN,
    VerzoekRegelFout,
    VerzoekStatus,
    check_consultatie_dagen,
    check_verlenging,
    ontvangstnummer,
    termijn,
)
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.verzoek import (
    DOEL,
    LOPEND,
    VerzoekNietGevonden,
    log,
    verzoek,
)

__all__ = [
    "BEVESTIG_ACTOR",
    "koppel_persoon",
    "open_verzoeken",
    "persoon_onbekend",
    "registreer",
    "verleng",
    "zoek_betrokkene",
]


# Sends the submitter the receipt number and deadline once the request is committed.
BEVESTIG_ACTOR = "verzoeken.ontvangst_bevestigen"


async def _vrij_nummer(session: AsyncSession, gemeentecode: str, jaar: int) -> str:
    # 35 random bits: a clash is rare, but a unique violation would lose the person's request.
    for _ in range(5):
        nummer = ontvangstnummer(gemeentecode, jaar)
        taken = await session.scalar(
            select(Verzoek.id).where(Verzoek.ontvangstnummer == nummer).limit(1)
        )
        if taken is None:
            return nummer
    msg = "geen vrij ontvangstnummer gevonden"
    raise RuntimeError(msg)


async def registreer(
    session: AsyncSession,
    actor: Actor,
    aanvraag: NieuwVerzoek,
    *,
    gemeentecode: str,
    ontvangen_bij: str | None = None,
    ontvangen: datetime | None = None,
    overdracht_aan: str | None = None,
    nummer: str | None = None,
) -> Verzoek:
    """Put a request in this municipality's contactpunt queue; day 0 is the day of receipt.

    ``overdracht_aan`` set means this municipality is *not* the contactpunt (the gemeente van
    verblijf is not on the hub): the request waits in hand-over status to be passed on.
    """
    moment = klok.lokaal(ontvangen or klok.nu())
    dag0 = moment.date()
    nieuw = Verzoek(
        # A moved request keeps the number the person was given.
        ontvangstnummer=nummer or await _vrij_nummer(session, gemeentecode, dag0.year),
        type=aanvraag.type.value,
        status=(VerzoekStatus.OVERDRACHT if overdracht_aan else VerzoekStatus.ONTVANGEN).value,
        kanaal=aanvraag.kanaal.value,
        ontvangen_op=dag0,
        ontvangen_tijdstip=moment,
        termijn=termijn(dag0),
        verlengd_maanden=0,
        gemeente_van_verblijf=gemeentecode,
        ontvangen_bij=ontvangen_bij,
        persoon_id=aanvraag.persoon_id,
        betrokkene_naam=aanvraag.betrokkene_naam,
        betrokkene_geboortedatum=aanvraag.betrokkene_geboortedatum,
        indiener_naam=aanvraag.indiener_naam,
        indiener_email=aanvraag.indiener_email,
        indiener_telefoon=aanvraag.indiener_telefoon,
        indiener_adres=aanvraag.indiener_adres,
        bericht=aanvraag.bericht,
        geregistreerd_door=actor.user_id,
        geregistreerd_door_organisatie=actor.organisation_id,
        overdracht_aan=overdracht_aan,
    )
    session.add(nieuw)
    await session.flush()
    await log(
        session,
        actor,
        f"verzoek={nieuw.id};type={nieuw.type};kanaal={nieuw.kanaal}",
        actie=Actie.CREATE,
        persoon_id=aanvraag.persoon_id,
    )
    if nieuw.indiener_email and not overdracht_aan and nummer is None:
        # A moved request (``nummer`` given) was confirmed where it first came in.
        outbox(session, BEVESTIG_ACTOR, verzoek_id=nieuw.id)
    if aanvraag.persoon_id is not None and not overdracht_aan:
        await start_consultaties(session, actor, nieuw)
    return nieuw


async def koppel_persoon(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    persoon_id: uuid.UUID,
    *,
    dagen: int = CONSULTATIE_DAGEN,
) -> list[Consultatie]:
    """Link the request to this municipality's record of the person and consult the sources,
    who answer within ``dagen`` days (never later than five days before the deadline)."""
    found = await verzoek(session, verzoek_id)
    if found.status not in LOPEND:
        msg = "Alleen een lopend verzoek kan aan een persoon worden gekoppeld."
        raise VerzoekRegelFout(msg, "persoon")
    check_consultatie_dagen(dagen)
    if await session.get(Persoon, persoon_id) is None:
        raise VerzoekNietGevonden("Deze persoon bestaat niet (meer) in deze gemeente.")
    if found.persoon_id is not None and found.persoon_id != persoon_id:
        msg = "Dit verzoek is al aan een andere persoon gekoppeld."
        raise VerzoekRegelFout(msg, "persoon")
    found.persoon_id = persoon_id
    found.persoon_onbekend_op = None
    found.persoon_onbekend_door = None
    await session.flush()
    await log(session, actor, f"verzoek={found.id};persoon gekoppeld", persoon_id=persoon_id)
    return await start_consultaties(session, actor, found, dagen=dagen)


async def persoon_onbekend(session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID) -> Verzoek:
    """Record that the contactpunt found no record of the person: the answer will say that no
    data about them is processed in the casusoverleg."""
    found = await verzoek(session, verzoek_id)
    if found.status not in LOPEND:
        msg = "Over dit verzoek is al besloten of het loopt niet meer."
        raise VerzoekRegelFout(msg, "persoon")
    if found.persoon_id is not None:
        msg = "Het verzoek is aan een persoon gekoppeld; die is dus wel bekend."
        raise VerzoekRegelFout(msg, "persoon")
    found.persoon_onbekend_op = klok.nu()
    found.persoon_onbekend_door = actor.user_id
    if found.status == VerzoekStatus.ONTVANGEN:
        found.status = VerzoekStatus.IN_BEHANDELING.value
    await session.flush()
    await log(session, actor, f"verzoek={found.id};persoon niet bekend")
    return found


async def zoek_betrokkene(
    session: AsyncSession,
    actor: Actor,
    *,
    sleutel: str,
    naam: str | None = None,
    geboortedatum: date | None = None,
) -> list[Persoon]:
    """The contactpunt's search among all persons of its municipality (it answers for all
    of them); the search is logged with its terms as a keyed hash, each hit as a read."""
    naam = " ".join((naam or "").split())[:200] or None
    if naam is None and geboortedatum is None:
        msg = "Zoek op naam, geboortedatum of allebei."
        raise VerzoekRegelFout(msg, "zoek_naam")
    query = select(Persoon)
    if naam is not None:
        query = query.where(
            or_(bevat(Persoon.naam, naam), bevat(cast(Persoon.aliassen, String), naam))
        )
    if geboortedatum is not None:
        query = query.where(Persoon.geboortedatum == geboortedatum)
    personen = list((await session.scalars(query.order_by(Persoon.naam).limit(50))).all())
    terms = f"{naam or ''}\x1f{geboortedatum.isoformat() if geboortedatum else ''}"
    await log(
        session,
        actor,
        f"{search_term_detail(terms, sleutel.encode())} treffers={len(personen)}",
        actie=Actie.SEARCH,
        gegevensgroep="persoon",
    )
    for persoon in personen:
        await record(
            session,
            actor,
            actie=Actie.READ,
            gegevensgroep="persoon",
            doel=DOEL,
            persoon_id=persoon.id,
        )
    return personen


async def verleng(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    maanden: int,
    reden: str,
    kennisgeving_op: date | None = None,
) -> Verlenging:
    """Extend the deadline; the reasoned notice to the person goes out today (or on the date)."""
    found = await verzoek(session, verzoek_id)
    if found.status not in LOPEND:
        msg = "Alleen een verzoek dat nog loopt kan worden verlengd."
        raise VerzoekRegelFout(msg)
    uitkomst = check_verlenging(
        ontvangen_op=found.ontvangen_op,
        al_verlengd_maanden=found.verlengd_maanden,
        extra_maanden=maanden,
        reden=reden,
        kennisgeving_op=kennisgeving_op or vandaag(),
    )
    regel = Verlenging(
        verzoek_id=found.id,
        maanden=maanden,
        reden=reden.strip(),
        kennisgeving_op=kennisgeving_op or vandaag(),
        nieuwe_termijn=uitkomst.nieuwe_termijn,
        door=actor.user_id,
    )
    found.verlengd_maanden = uitkomst.maanden_totaal
    found.termijn = uitkomst.nieuwe_termijn
    session.add(regel)
    await session.flush()
    await log(
        session,
        actor,
        f"verzoek={found.id};verlengd={uitkomst.maanden_totaal}",
        persoon_id=found.persoon_id,
    )
    return regel


async def open_verzoeken(session: AsyncSession) -> list[Verzoek]:
    """The contactpunt queue, most urgent first."""
    return list(
        (
            await session.scalars(
                select(Verzoek)
                .where(Verzoek.status.in_([*LOPEND, VerzoekStatus.OVERDRACHT]))
                .order_by(Verzoek.termijn, Verzoek.ontvangen_tijdstip)
            )
        ).all()
    )
