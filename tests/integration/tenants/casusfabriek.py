"""Building cases in any phase for the service tests (imported by the tests, not fixtures)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import BijlageInvoer, NieuwSignaal, registreer_signaal
from casushub.tenants.weging.models import Weging
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal


@dataclass(frozen=True)
class Organisaties:
    gemeente: uuid.UUID
    politie: uuid.UUID
    om: uuid.UUID
    reclassering: uuid.UUID
    ggz: uuid.UUID

    def actor(self, org: str, role: str) -> Actor:
        return Actor(user_id=uuid.uuid4(), organisation_id=getattr(self, org), role=role)

    @property
    def regie(self) -> Actor:
        return self.actor("gemeente", "gemeente_regie")

    @property
    def kernpartijen(self) -> list[Aanwezige]:
        return [
            Aanwezige(self.gemeente, "gemeente"),
            Aanwezige(self.politie, "politie"),
            Aanwezige(self.om, "om"),
        ]


# One tenant transaction, committed at the end of the block (the ``sessie`` fixture).
Sessie = Callable[[TenantRef], AbstractAsyncContextManager[AsyncSession]]

ALLE_CRITERIA = {k: Beoordeling("enige_zorg", f"toelichting {k}") for k in CRITERIA}


class SignaalExtra(TypedDict, total=False):
    """What a test may add to the signal (the other fields :func:`nieuw_signaal` fills in)."""

    adres: str | None
    aliassen: Sequence[str]
    bijlagen: Sequence[BijlageInvoer]
    persoon_id: uuid.UUID | None


async def nieuw_signaal(
    session: AsyncSession,
    orgs: Organisaties,
    naam: str = "Test Persoon",
    **extra: Unpack[SignaalExtra],
) -> Signaal:
    invoer = NieuwSignaal(
        naam=naam,
        gemeente_van_verblijf="9801",
        omschrijving="zorgen over uitingen op sociale media",
        bron_organisatie_id=orgs.politie,
        ontvangen_op=date.today() - timedelta(days=10),
        geboortedatum=date(2004, 5, 6),
        **extra,
    )
    return await registreer_signaal(session, orgs.actor("politie", "participant"), invoer)


async def weging(
    session: AsyncSession,
    orgs: Organisaties,
    signaal: Signaal,
    uitkomst: str = "opname",
    *,
    vervolgdatum: date | None = None,
) -> Weging:
    invoer = WegingInvoer(
        signaal_id=signaal.id,
        datum=date.today() - timedelta(days=5),
        aanwezigen=orgs.kernpartijen,
        criteria=ALLE_CRITERIA,
        redenering="samenhangend beeld van zorgen",
        uitkomst=uitkomst,
        vervolgdatum=vervolgdatum,
    )
    return await weeg_signaal(session, orgs.regie, invoer, vaststellen=True)


async def nieuwe_casus(
    session: AsyncSession,
    orgs: Organisaties,
    naam: str = "Test Persoon",
    *,
    intake_datum: date | None = None,
) -> Casus:
    signaal = await nieuw_signaal(session, orgs, naam)
    gewogen = await weging(session, orgs, signaal)
    return await maak_casus(
        session,
        orgs.regie,
        weging_id=gewogen.id,
        regie_gemeente="9801",
        intake_datum=intake_datum or date.today() - timedelta(days=3),
        deelnemers=[
            Deelnemer(orgs.gemeente, "gemeente"),
            Deelnemer(orgs.politie, "politie"),
            Deelnemer(orgs.om, "om"),
        ],
    )
