"""Building due casussen and signals through the workflow's own services (no shortcuts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import Deelnemer, maak_casus, sluit_af
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import BijlageInvoer, NieuwSignaal, registreer_signaal
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

GEMEENTE, POLITIE, OM = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
REGIE = Actor(user_id=uuid.uuid4(), organisation_id=GEMEENTE, role="gemeente_regie")
AGENT = Actor(user_id=uuid.uuid4(), organisation_id=POLITIE, role="participant")
SYSTEEM = Actor.system("test-bewaartermijnen")
PDF = BijlageInvoer(bestandsnaam="verslag.pdf", mediatype="application/pdf", inhoud=b"%PDF-1.7 x")


@dataclass(frozen=True)
class Gebouwd:
    casus_id: uuid.UUID | None
    signaal_id: uuid.UUID
    persoon_id: uuid.UUID


async def _signaal(
    session: AsyncSession, naam: str, ontvangen: date, persoon_id: uuid.UUID | None = None
) -> Signaal:
    invoer = NieuwSignaal(
        naam=naam,
        gemeente_van_verblijf="9801",
        omschrijving="zorgen over uitingen op sociale media",
        bron_organisatie_id=POLITIE,
        ontvangen_op=ontvangen,
        geboortedatum=date(2001, 2, 3),
        bijlagen=(PDF,),
        persoon_id=persoon_id,
    )
    return await registreer_signaal(session, AGENT, invoer)


async def _weeg(session: AsyncSession, signaal: Signaal, uitkomst: str, datum: date) -> uuid.UUID:
    invoer = WegingInvoer(
        signaal_id=signaal.id,
        datum=datum,
        aanwezigen=[
            Aanwezige(GEMEENTE, "gemeente"),
            Aanwezige(POLITIE, "politie"),
            Aanwezige(OM, "om"),
        ],
        criteria={k: Beoordeling("enige_zorg", f"toelichting {k}") for k in CRITERIA},
        redenering="samenhangend beeld",
        uitkomst=uitkomst,
    )
    return (await weeg_signaal(session, REGIE, invoer, vaststellen=True)).id


async def afgesloten_casus(
    session: AsyncSession,
    naam: str,
    *,
    afgesloten_jaren_geleden: int = 6,
    persoon_id: uuid.UUID | None = None,
) -> Gebouwd:
    """A casus with an item and two files, closed long enough ago to be due (5 years).

    With ``persoon_id``, a further casus about an already known person (a new signal).
    """
    begin = date.today() - timedelta(days=365 * afgesloten_jaren_geleden + 60)
    signaal = await _signaal(session, naam, begin, persoon_id)
    weging_id = await _weeg(session, signaal, "opname", begin + timedelta(days=5))
    casus: Casus = await maak_casus(
        session,
        REGIE,
        weging_id=weging_id,
        regie_gemeente="9801",
        intake_datum=begin + timedelta(days=10),
        deelnemers=[
            Deelnemer(GEMEENTE, "gemeente"),
            Deelnemer(POLITIE, "politie"),
            Deelnemer(OM, "om"),
        ],
    )
    await voeg_item_toe(
        session,
        REGIE,
        casus_id=casus.id,
        tekst="gesprek gevoerd met school",
        bron_organisatie_id=GEMEENTE,
        datum=begin + timedelta(days=20),
        categorie="gewoon",
        bijlagen=(PDF,),
    )
    await sluit_af(
        session,
        REGIE,
        casus.id,
        reden="doelen bereikt",
        datum=begin + timedelta(days=50),
    )
    return Gebouwd(casus.id, signaal.id, casus.persoon_id)


async def signaal_geen_actie(session: AsyncSession, naam: str, *, dagen_geleden: int) -> Gebouwd:
    """A signal weighed 'geen actie' ``dagen_geleden`` days ago (due after a year)."""
    gewogen = date.today() - timedelta(days=dagen_geleden)
    signaal = await _signaal(session, naam, gewogen - timedelta(days=10))
    await _weeg(session, signaal, "geen_actie", gewogen)
    return Gebouwd(None, signaal.id, signaal.persoon_id)
