"""The weging under the Wet of an imported case.

``opname`` makes a casus through the same services as a signal's weging (signal, weging,
intake), with the convenant's history attached as information items; ``geen actie`` (or
``valt niet onder deze wet``) leaves the case for tonight's destruction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import InformatieItem
from casushub.tenants.casus.rules import Categorie
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.overgang.models import (
    Overgangszaak,
    ZaakStatus,
)
from casushub.tenants.overgang.toegang import (
    GEGEVENSGROEP,
    vereis_regie,
)
from casushub.tenants.overgang.vernietiging import leeg
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.weging.rules import Beoordeling, Uitkomst, controleer_vaststelling
from casushub.tenants.weging.services import (
    Aanwezige,
    WegingInvoer,
    controleer_wegingstekst,
    weeg_signaal,
)


@dataclass(frozen=True, slots=True)
class ZaakWeging:
    datum: date
    aanwezigen: Sequence[Aanwezige]
    criteria: Mapping[str, Beoordeling]
    redenering: str
    uitkomst: str | None


TOEGESTANE_UITKOMSTEN = (Uitkomst.OPNAME, Uitkomst.GEEN_ACTIE, Uitkomst.NIET_ONDER_WET)


def _geschiedenis(zaak: Overgangszaak) -> list[tuple[date, str]]:
    """The convenant's history as dated texts for the casus's information items."""
    gegevens: dict[str, Any] = zaak.gegevens or {}
    start = (
        date.fromisoformat(gegevens["startdatum"]) if gegevens.get("startdatum") else klok.vandaag()
    )
    items = [
        (
            start,
            f"Overgenomen uit het convenant (bron-id {zaak.bron_id}): zaak gestart op "
            f"{start.strftime('%d-%m-%Y')}, stand '{gegevens.get('status', '')}'.",
        )
    ]
    for s in gegevens.get("signalen") or []:
        items.append(
            (
                date.fromisoformat(s["datum"]),
                f"Signaal onder het convenant (bron: {s.get('bron') or 'onbekend'}): "
                f"{s['omschrijving']}",
            )
        )
    for b in gegevens.get("besluiten") or []:
        items.append(
            (date.fromisoformat(b["datum"]), f"Besluit onder het convenant: {b['besluit']}")
        )
    for i in gegevens.get("interventies") or []:
        items.append(
            (
                start,
                f"Interventie onder het convenant: {i['omschrijving']} (verantwoordelijk: "
                f"{i.get('partner') or 'onbekend'}; stand: {i.get('status') or 'onbekend'})",
            )
        )
    return items


async def weeg_zaak(
    session: AsyncSession,
    actor: Actor,
    zaak_id: uuid.UUID,
    invoer: ZaakWeging,
    *,
    regie_gemeente: str,
    vandaag: date | None = None,
) -> Overgangszaak:
    """A weging under the Wet of an imported case: ``opname`` or ``geen actie``.

    ``opname`` goes through the signal's own weging and intake (rule 2), so the casus has a
    finalised weging with its attendees and reasoning; the convenant's history becomes its
    first information items.
    """
    vereis_regie(actor)
    vandaag = vandaag or klok.vandaag()
    zaak = await session.get(Overgangszaak, zaak_id, with_for_update=True)
    if zaak is None or zaak.naam is None:
        raise NietGevonden("Deze zaak bestaat niet (meer).")
    if zaak.status != ZaakStatus.TE_WEGEN:
        raise RegelFout("Deze zaak is al gewogen.", "zaak")
    if zaak.weeg_uiterlijk < vandaag:
        raise RegelFout(
            "De termijn voor de weging van deze zaak is verstreken; de zaak wordt vernietigd.",
            "zaak",
        )
    if invoer.uitkomst not in {u.value for u in TOEGESTANE_UITKOMSTEN}:
        raise RegelFout(
            "Kies een uitkomst: opname in casusoverleg, geen actie of valt niet onder deze wet.",
            "uitkomst",
        )
    await controleer_wegingstekst(session, invoer.redenering, invoer.criteria)
    uitkomst = controleer_vaststelling(
        datum=invoer.datum,
        aanwezige_types={a.organisatie_type for a in invoer.aanwezigen},
        criteria=invoer.criteria,
        uitkomst=invoer.uitkomst,
        redenering=invoer.redenering,
        vervolgdatum=None,
    )
    if invoer.datum > vandaag:
        raise RegelFout("De datum van de weging kan niet in de toekomst liggen.", "datum")
    if uitkomst is not Uitkomst.OPNAME:
        zaak.status = ZaakStatus.GEEN_ACTIE
        zaak.afgehandeld_op = invoer.datum
        # No basis under the Wet: nothing of it may be kept; tonight's job destroys it.
        zaak.destroy_on = vandaag
        await session.flush()
        await record(
            session,
            actor,
            actie=Actie.UPDATE,
            gegevensgroep=GEGEVENSGROEP,
            doel=f"weging overgangszaak: {uitkomst.label}",
            detail=f"zaak:{zaak.id}",
        )
        return zaak
    if actor.organisation_id is None:
        raise GeenToegang("Alleen een gebruiker van een organisatie kan een zaak opnemen.")
    gegevens: dict[str, Any] = zaak.gegevens or {}
    persoon = Persoon(
        naam=zaak.naam,
        geboortedatum=zaak.geboortedatum,
        gemeente_van_verblijf=zaak.gemeente_van_verblijf or regie_gemeente,
        aliassen=list(gegevens.get("aliassen") or []),
    )
    session.add(persoon)
    await session.flush()
    signaaldata = [date.fromisoformat(s["datum"]) for s in gegevens.get("signalen") or []]
    signaal = Signaal(
        persoon_id=persoon.id,
        bron_organisatie_id=actor.organisation_id,
        ontvangen_op=min(signaaldata)
        if signaaldata
        else (
            date.fromisoformat(gegevens["startdatum"]) if gegevens.get("startdatum") else vandaag
        ),
        ontvangen_door=actor.user_id,
        omschrijving=(
            "Zaak uit de overgangsvoorraad (convenant), opnieuw gewogen onder de Wet "
            f"(bron-id {zaak.bron_id})."
        ),
        status=SignaalStatus.TE_WEGEN,
    )
    session.add(signaal)
    await session.flush()
    weging = await weeg_signaal(
        session,
        actor,
        WegingInvoer(
            signaal_id=signaal.id,
            datum=invoer.datum,
            aanwezigen=invoer.aanwezigen,
            criteria=invoer.criteria,
            redenering=invoer.redenering,
            uitkomst=uitkomst.value,
        ),
        vaststellen=True,
    )
    casus = await maak_casus(
        session,
        actor,
        weging_id=weging.id,
        regie_gemeente=regie_gemeente,
        intake_datum=vandaag,
        deelnemers=[Deelnemer(a.organisatie_id, a.organisatie_type) for a in invoer.aanwezigen],
        procesregisseur_id=actor.user_id if actor.role == "procesregisseur" else None,
    )
    for datum, tekst in _geschiedenis(zaak):
        session.add(
            InformatieItem(
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=actor.organisation_id,
                datum=datum,
                categorie=Categorie.GEWOON.value,
                vastgelegd_door=actor.user_id,
            )
        )
    leeg(zaak)
    zaak.status = ZaakStatus.OPGENOMEN
    zaak.casus_id = casus.id
    zaak.afgehandeld_op = invoer.datum
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=GEGEVENSGROEP,
        doel="weging overgangszaak: opname",
        casus_id=casus.id,
        persoon_id=persoon.id,
        detail=f"zaak:{zaak.id}",
    )
    return zaak
