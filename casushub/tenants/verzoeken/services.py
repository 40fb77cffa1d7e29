"""The contactpunt's work on one request, inside one tenant session.

Every service takes the session of the municipality whose contactpunt handles the request
(the gemeente van verblijf); crossing to that municipality is ``casushub.crosstenant.contactpunt``'s
job, not this module's. Each change is written to the access log in the same transaction.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.fouten import GeenToegang, NietGevonden
from casushub.platform.klok import vandaag
from casushub.platform.zoeken import bevat
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Blokkadegrond, JuridischeBlokkade
from casushub.tenants.bewaartermijnen.services import hef_blokkade_op, stel_blokkade_in
from casushub.tenants.outbox.services import record as outbox
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record, search_term_detail
from casushub.tenants.verzoeken import bronnen
from casushub.tenants.verzoeken.models import (
    Besluit,
    Consultatie,
    Doorzending,
    InzageBeperking,
    Onthouding,
    Verlenging,
    Verzoek,
)
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
    CONSULTATIE_DAGEN,
    Beperkingsstatus,
    Besluituitkomst,
    Consultatiestatus,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
    beperking_vervalt,
    check_beperking,
    check_besluit,
    check_consultatie_dagen,
    check_overgang,
    check_verlenging,
    consultatie_termijn,
    ontvangstnummer,
    termijn,
)
from casushub.tenants.verzoeken.schemas import NieuwVerzoek

__all__ = [
    "BEVESTIG_ACTOR",
    "DOEL",
    "GEGEVENSGROEP",
    "VerzoekGeenToegang",
    "VerzoekNietGevonden",
    "actieve_beperkingen",
    "beantwoord_consultatie",
    "beperk_inzage",
    "bevestig_beperking",
    "consultaties",
    "draag_over",
    "hef_beperking_op",
    "koppel_persoon",
    "laat_beperkingen_vervallen",
    "laat_los",
    "neem_besluit",
    "open_consultaties",
    "open_verzoeken",
    "persoon_onbekend",
    "registreer",
    "registreer_doorzending",
    "start_consultaties",
    "vandaag",
    "verleng",
    "vervang_door_doorzending",
    "verzoek",
    "zet_in_overdracht",
    "zoek_betrokkene",
]

GEGEVENSGROEP = "verzoek"
# Sends the submitter the receipt number and deadline once the request is committed.
BEVESTIG_ACTOR = "verzoeken.ontvangst_bevestigen"
DOEL = "afhandeling verzoek van de betrokkene (AVG hoofdstuk III, Besluit art. 3)"
_OPEN = (VerzoekStatus.ONTVANGEN, VerzoekStatus.IN_BEHANDELING)


class VerzoekNietGevonden(NietGevonden):
    def __init__(self, message: str = "Dit verzoek bestaat niet (meer).") -> None:
        super().__init__(message)


class VerzoekGeenToegang(GeenToegang):
    pass


async def verzoek(session: AsyncSession, verzoek_id: uuid.UUID) -> Verzoek:
    found = await session.get(Verzoek, verzoek_id)
    if found is None:
        raise VerzoekNietGevonden
    return found


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
    await record(
        session,
        actor,
        actie=Actie.CREATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=aanvraag.persoon_id,
        detail=f"verzoek={nieuw.id};type={nieuw.type};kanaal={nieuw.kanaal}",
    )
    if nieuw.indiener_email and not overdracht_aan and nummer is None:
        # A moved request (``nummer`` given) was confirmed where it first came in.
        outbox(session, BEVESTIG_ACTOR, verzoek_id=nieuw.id)
    if aanvraag.persoon_id is not None and not overdracht_aan:
        await start_consultaties(session, actor, nieuw)
    return nieuw


async def registreer_doorzending(
    session: AsyncSession,
    actor: Actor,
    *,
    type: VerzoekType,
    ontvangen_op: date,
    naar_gemeentecode: str,
    naar_tenant_id: uuid.UUID | None,
    nummer: str | None,
) -> Doorzending:
    """The receiving side's receipt of a forwarded request: ids and dates, no personal data."""
    receipt = Doorzending(
        type=type.value,
        ontvangen_op=ontvangen_op,
        naar_gemeentecode=naar_gemeentecode,
        naar_tenant_id=naar_tenant_id,
        ontvangstnummer=nummer,
        door=actor.user_id,
        door_organisatie=actor.organisation_id,
    )
    session.add(receipt)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.EXPORT,
        gegevensgroep=GEGEVENSGROEP,
        doel="doorzending verzoek aan het contactpunt van de gemeente van verblijf",
        detail=f"doorzending={receipt.id};naar=GM{naar_gemeentecode}",
    )
    return receipt


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
    if found.status not in _OPEN:
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
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=persoon_id,
        detail=f"verzoek={found.id};persoon gekoppeld",
    )
    return await start_consultaties(session, actor, found, dagen=dagen)


async def persoon_onbekend(session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID) -> Verzoek:
    """Record that the contactpunt found no record of the person: the answer will say that no
    data about them is processed in the casusoverleg."""
    found = await verzoek(session, verzoek_id)
    if found.status not in _OPEN:
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
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        detail=f"verzoek={found.id};persoon niet bekend",
    )
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
    await record(
        session,
        actor,
        actie=Actie.SEARCH,
        gegevensgroep="persoon",
        doel=DOEL,
        detail=f"{search_term_detail(terms, sleutel.encode())} treffers={len(personen)}",
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


async def start_consultaties(
    session: AsyncSession, actor: Actor, found: Verzoek, *, dagen: int = CONSULTATIE_DAGEN
) -> list[Consultatie]:
    """Every participant (and invited third party) that supplied data on the person gets a
    task with a deadline."""
    if found.persoon_id is None:
        return []
    bestaand = set(
        (
            await session.scalars(
                select(Consultatie.organisatie_id).where(Consultatie.verzoek_id == found.id)
            )
        ).all()
    )
    antwoord_voor = consultatie_termijn(vandaag(), found.termijn, dagen)
    nieuw: list[Consultatie] = []
    for organisatie_id in sorted(await bronnen.te_raadplegen(session, found.persoon_id)):
        if organisatie_id in bestaand:
            continue
        taak = Consultatie(
            verzoek_id=found.id,
            organisatie_id=organisatie_id,
            termijn=antwoord_voor,
            status=Consultatiestatus.OPEN.value,
        )
        session.add(taak)
        nieuw.append(taak)
    if nieuw and found.status == VerzoekStatus.ONTVANGEN:
        found.status = VerzoekStatus.IN_BEHANDELING.value
    await session.flush()
    await _houd_vast(session, actor, found)
    return nieuw


def _als_systeem(actor: Actor) -> Actor:
    # The hold follows from the law (a pending request), not from the user's own authority.
    return dataclasses.replace(actor, role="systeem")


async def _houd_vast(session: AsyncSession, actor: Actor, found: Verzoek) -> None:
    """A pending request suspends destruction of the person's data (docs/design.md rule 7)."""
    if found.persoon_id is None:
        return
    bestaand = await session.scalar(
        select(JuridischeBlokkade.id).where(
            JuridischeBlokkade.verzoek_id == found.id,
            JuridischeBlokkade.opgeheven_op.is_(None),
        )
    )
    if bestaand is None:
        await stel_blokkade_in(
            session,
            _als_systeem(actor),
            found.persoon_id,
            grond=Blokkadegrond.VERZOEK,
            reden=f"Lopend verzoek {found.ontvangstnummer} ({found.type}) bij het contactpunt.",
            verzoek_id=found.id,
        )


async def laat_los(session: AsyncSession, actor: Actor, found: Verzoek) -> None:
    """Lift the request's hold once it is decided (or carried out)."""
    open_holds = (
        await session.scalars(
            select(JuridischeBlokkade.id).where(
                JuridischeBlokkade.verzoek_id == found.id,
                JuridischeBlokkade.opgeheven_op.is_(None),
            )
        )
    ).all()
    for blokkade_id in open_holds:
        await hef_blokkade_op(
            session,
            _als_systeem(actor),
            blokkade_id,
            reden=f"Verzoek {found.ontvangstnummer} is afgehandeld.",
        )


async def consultaties(session: AsyncSession, verzoek_id: uuid.UUID) -> list[Consultatie]:
    return list(
        (
            await session.scalars(
                select(Consultatie)
                .where(Consultatie.verzoek_id == verzoek_id)
                .order_by(Consultatie.created_at, Consultatie.id)
            )
        ).all()
    )


async def open_consultaties(
    session: AsyncSession, organisatie_id: uuid.UUID
) -> list[tuple[Consultatie, Verzoek]]:
    """A participant's consultation tasks that still wait for its answer."""
    rows = await session.execute(
        select(Consultatie, Verzoek)
        .join(Verzoek, Verzoek.id == Consultatie.verzoek_id)
        .where(
            Consultatie.organisatie_id == organisatie_id,
            Consultatie.status == Consultatiestatus.OPEN.value,
            Verzoek.status.in_(_OPEN),
        )
        .order_by(Consultatie.termijn)
    )
    return [(row[0], row[1]) for row in rows]


async def beantwoord_consultatie(
    session: AsyncSession, actor: Actor, consultatie_id: uuid.UUID, antwoord: str
) -> Consultatie:
    taak = await session.get(Consultatie, consultatie_id)
    if taak is None:
        raise VerzoekNietGevonden("Deze consultatie bestaat niet.")
    if actor.organisation_id != taak.organisatie_id:
        msg = "Alleen de gevraagde deelnemer kan deze consultatie beantwoorden."
        raise VerzoekGeenToegang(msg)
    if not antwoord.strip():
        msg = "Schrijf uw reactie voor het contactpunt."
        raise VerzoekRegelFout(msg, "antwoord")
    taak.antwoord = antwoord.strip()
    taak.status = Consultatiestatus.BEANTWOORD.value
    taak.beantwoord_op = datetime.now(UTC)
    taak.beantwoord_door = actor.user_id
    await session.flush()
    found = await verzoek(session, taak.verzoek_id)
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=found.persoon_id,
        detail=f"consultatie={taak.id};beantwoord",
    )
    return taak


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
    if found.status not in _OPEN:
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
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=found.persoon_id,
        detail=f"verzoek={found.id};verlengd={uitkomst.maanden_totaal}",
    )
    return regel


async def open_verzoeken(session: AsyncSession) -> list[Verzoek]:
    """The contactpunt queue, most urgent first."""
    return list(
        (
            await session.scalars(
                select(Verzoek)
                .where(Verzoek.status.in_([*_OPEN, VerzoekStatus.OVERDRACHT]))
                .order_by(Verzoek.termijn, Verzoek.ontvangen_tijdstip)
            )
        ).all()
    )


async def draag_over(session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID) -> Verzoek:
    """Record that a hand-over request was passed on to the other municipality."""
    found = await verzoek(session, verzoek_id)
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.OVERGEDRAGEN)
    found.status = VerzoekStatus.OVERGEDRAGEN.value
    await session.flush()
    await laat_los(session, actor, found)
    await record(
        session,
        actor,
        actie=Actie.EXPORT,
        gegevensgroep=GEGEVENSGROEP,
        doel="doorzending verzoek aan het contactpunt van de gemeente van verblijf",
        detail=f"verzoek={found.id};overgedragen=GM{found.gemeente_van_verblijf}",
    )
    return found


async def zet_in_overdracht(
    session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID, *, gemeentecode: str, tekst: str
) -> Verzoek:
    """The person moved to a municipality not on the hub: pass the running request on."""
    found = await verzoek(session, verzoek_id)
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.OVERDRACHT)
    found.status = VerzoekStatus.OVERDRACHT.value
    found.gemeente_van_verblijf = gemeentecode
    found.overdracht_aan = tekst
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=found.persoon_id,
        detail=f"verzoek={found.id};overdracht=GM{gemeentecode}",
    )
    return found


async def vervang_door_doorzending(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    naar_gemeentecode: str,
    naar_tenant_id: uuid.UUID,
) -> Doorzending:
    """After a move the request lives at the new contactpunt: keep only a receipt here."""
    found = await verzoek(session, verzoek_id)
    if found.status not in (*_OPEN, VerzoekStatus.OVERDRACHT):
        msg = "Alleen een lopend verzoek gaat mee naar de nieuwe gemeente van verblijf."
        raise VerzoekRegelFout(msg)
    await laat_los(session, actor, found)
    receipt = await registreer_doorzending(
        session,
        actor,
        type=VerzoekType(found.type),
        ontvangen_op=found.ontvangen_op,
        naar_gemeentecode=naar_gemeentecode,
        naar_tenant_id=naar_tenant_id,
        nummer=found.ontvangstnummer,
    )
    # Its consultations, extensions and personal fields go with the row (ON DELETE CASCADE).
    await session.delete(found)
    await session.flush()
    return receipt


# --- inzage beperkt ---------------------------------------------------------------------------


async def beperk_inzage(
    session: AsyncSession,
    actor: Actor,
    *,
    item_soort: str,
    item_id: uuid.UUID,
    grond: str,
    herzien_op: date,
    toelichting: str = "",
    op: date | None = None,
) -> InzageBeperking:
    """A participant withholds one of its own items from inzage, on a ground, until review."""
    if actor.organisation_id is None:
        msg = "Alleen een deelnemer kan inzage in een gegeven beperken."
        raise VerzoekGeenToegang(msg)
    check_beperking(grond, herzien_op, op or vandaag())
    item = await bronnen.item(session, item_soort, item_id)
    if item is None:
        raise VerzoekNietGevonden("Dit gegeven bestaat niet.")
    if item.bron_organisatie_id is not None and item.bron_organisatie_id != actor.organisation_id:
        msg = "Alleen de deelnemer die dit gegeven aanleverde kan de inzage erin beperken."
        raise VerzoekGeenToegang(msg)
    bestaand = await session.scalar(
        select(InzageBeperking).where(
            InzageBeperking.item_soort == item_soort, InzageBeperking.item_id == item_id
        )
    )
    if bestaand is not None and bestaand.status == Beperkingsstatus.ACTIEF:
        msg = "De inzage in dit gegeven is al beperkt; bevestig of wijzig die beperking."
        raise VerzoekRegelFout(msg, "item")
    nu = datetime.now(UTC)
    beperking = bestaand or InzageBeperking(item_soort=item_soort, item_id=item_id)
    beperking.persoon_id = item.persoon_id
    beperking.grond = grond
    beperking.toelichting = toelichting.strip()
    beperking.gevraagd_door_organisatie = actor.organisation_id
    beperking.gevraagd_door = actor.user_id
    beperking.gevraagd_op = nu
    beperking.herzien_op = herzien_op
    beperking.bevestigd_op = None
    beperking.beeindigd_op = None
    beperking.status = Beperkingsstatus.ACTIEF.value
    session.add(beperking)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep="inzage_beperking",
        doel=DOEL,
        persoon_id=item.persoon_id,
        casus_id=item.casus_id,
        detail=f"beperking={beperking.id};grond={grond}",
    )
    return beperking


async def bevestig_beperking(
    session: AsyncSession,
    actor: Actor,
    beperking_id: uuid.UUID,
    *,
    herzien_op: date,
    op: date | None = None,
) -> InzageBeperking:
    """On review the participant confirms the ground still holds and sets the next review."""
    beperking = await _eigen_beperking(session, actor, beperking_id)
    dag = op or vandaag()
    if beperking.status != Beperkingsstatus.ACTIEF or beperking_vervalt(beperking.herzien_op, dag):
        msg = "Deze beperking is vervallen; leg zo nodig een nieuwe beperking vast."
        raise VerzoekRegelFout(msg)
    check_beperking(beperking.grond, herzien_op, dag)
    beperking.herzien_op = herzien_op
    beperking.bevestigd_op = datetime.now(UTC)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep="inzage_beperking",
        doel=DOEL,
        persoon_id=beperking.persoon_id,
        detail=f"beperking={beperking.id};bevestigd",
    )
    return beperking


async def hef_beperking_op(
    session: AsyncSession, actor: Actor, beperking_id: uuid.UUID
) -> InzageBeperking:
    beperking = await _eigen_beperking(session, actor, beperking_id)
    beperking.status = Beperkingsstatus.OPGEHEVEN.value
    beperking.beeindigd_op = datetime.now(UTC)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep="inzage_beperking",
        doel=DOEL,
        persoon_id=beperking.persoon_id,
        detail=f"beperking={beperking.id};opgeheven",
    )
    return beperking


async def _eigen_beperking(
    session: AsyncSession, actor: Actor, beperking_id: uuid.UUID
) -> InzageBeperking:
    beperking = await session.get(InzageBeperking, beperking_id)
    if beperking is None:
        raise VerzoekNietGevonden("Deze beperking bestaat niet.")
    if actor.organisation_id != beperking.gevraagd_door_organisatie:
        msg = "Alleen de deelnemer die de beperking vroeg kan haar bevestigen of opheffen."
        raise VerzoekGeenToegang(msg)
    return beperking


async def actieve_beperkingen(
    session: AsyncSession, persoon_id: uuid.UUID, op: date | None = None
) -> list[InzageBeperking]:
    """Restrictions that hold today; one past its review date without confirmation does not."""
    dag = op or vandaag()
    rows = (
        await session.scalars(
            select(InzageBeperking)
            .where(
                InzageBeperking.persoon_id == persoon_id,
                InzageBeperking.status == Beperkingsstatus.ACTIEF,
            )
            .order_by(InzageBeperking.gevraagd_op)
        )
    ).all()
    return [row for row in rows if not beperking_vervalt(row.herzien_op, dag)]


async def laat_beperkingen_vervallen(session: AsyncSession, actor: Actor, op: date) -> int:
    """Daily: restrictions not confirmed by their review date lapse (the item is shown again)."""
    rows = (
        await session.scalars(
            select(InzageBeperking).where(
                InzageBeperking.status == Beperkingsstatus.ACTIEF,
                InzageBeperking.herzien_op < op,
            )
        )
    ).all()
    for row in rows:
        row.status = Beperkingsstatus.VERVALLEN.value
        row.beeindigd_op = datetime.now(UTC)
        await record(
            session,
            actor,
            actie=Actie.UPDATE,
            gegevensgroep="inzage_beperking",
            doel=DOEL,
            persoon_id=row.persoon_id,
            detail=f"beperking={row.id};vervallen",
        )
    await session.flush()
    return len(rows)


# --- the decision -----------------------------------------------------------------------------


async def neem_besluit(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    uitkomst: Besluituitkomst,
    motivering: str,
) -> Besluit:
    """The contactpunt's one decision for all joint controllers.

    For inzage, every restriction holding today is recorded with the decision (ground, who
    asked, when); the export leaves those items out.
    """
    found = await verzoek(session, verzoek_id)
    if found.status not in _OPEN:
        msg = "Over dit verzoek is al besloten of het loopt niet meer."
        raise VerzoekRegelFout(msg)
    beperkingen: list[InzageBeperking] = []
    if found.type == VerzoekType.INZAGE and found.persoon_id is not None:
        beperkingen = await actieve_beperkingen(session, found.persoon_id)
    check_besluit(uitkomst, motivering, onthouden=len(beperkingen))
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.BESLOTEN)
    besluit = Besluit(
        verzoek_id=found.id,
        uitkomst=uitkomst.value,
        motivering=motivering.strip(),
        genomen_op=datetime.now(UTC),
        genomen_door=actor.user_id,
        genomen_door_organisatie=actor.organisation_id,
    )
    session.add(besluit)
    await session.flush()
    for beperking in beperkingen:
        session.add(
            Onthouding(
                besluit_id=besluit.id,
                beperking_id=beperking.id,
                item_soort=beperking.item_soort,
                item_id=beperking.item_id,
                grond=beperking.grond,
                gevraagd_door_organisatie=beperking.gevraagd_door_organisatie,
                gevraagd_op=beperking.gevraagd_op,
            )
        )
    found.status = VerzoekStatus.BESLOTEN.value
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=found.persoon_id,
        detail=f"verzoek={found.id};besluit={uitkomst.value};onthouden={len(beperkingen)}",
    )
    # A granted erasure or objection keeps the hold until it is carried out (uitvoering).
    wacht_op_uitvoering = found.type in {VerzoekType.VERWIJDERING, VerzoekType.BEZWAAR}
    if not wacht_op_uitvoering or uitkomst is Besluituitkomst.AFGEWEZEN:
        await laat_los(session, actor, found)
    return besluit


async def onthoudingen(session: AsyncSession, besluit_id: uuid.UUID) -> list[Onthouding]:
    return list(
        (
            await session.scalars(
                select(Onthouding)
                .where(Onthouding.besluit_id == besluit_id)
                .order_by(Onthouding.gevraagd_op)
            )
        ).all()
    )


def grond_tekst(grond: str) -> str:
    return BEPERKING_GRONDEN.get(grond, grond)
