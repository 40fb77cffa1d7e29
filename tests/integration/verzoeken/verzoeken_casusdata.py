"""A small casusoverleg on a real tenant schema: person, signal, weging, casus, items, plan.

Inserted with the ORM as the workflow leaves it, so these tests do not depend on the
workflow services' own rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.personen.models import Persoon
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.weging.models import Weging, WegingAanwezige


@dataclass(frozen=True)
class Gemeente:
    ref: TenantRef
    code: str


GemeenteFactory = Callable[[], Awaitable[Gemeente]]


@dataclass
class Organisaties:
    gemeente: uuid.UUID = field(default_factory=uuid.uuid4)
    politie: uuid.UUID = field(default_factory=uuid.uuid4)
    om: uuid.UUID = field(default_factory=uuid.uuid4)
    reclassering: uuid.UUID = field(default_factory=uuid.uuid4)
    ggz: uuid.UUID = field(default_factory=uuid.uuid4)  # an invited third party

    def actor(self, org: uuid.UUID, role: str = "participant") -> Actor:
        return Actor(user_id=uuid.uuid4(), organisation_id=org, role=role, request_id="test")


@dataclass
class Casusdata:
    persoon: Persoon
    signaal: Signaal
    weging: Weging
    casus: Casus
    item_politie: InformatieItem
    item_om_strafrechtelijk: InformatieItem
    interventie: Interventie
    agendapunt: Agendapunt


async def maak_casusdata(
    session: AsyncSession, orgs: Organisaties, gemeentecode: str, naam: str
) -> Casusdata:
    """Everything of one casus, inserted as the workflow would leave it."""
    vandaag = date.today()
    persoon = Persoon(naam=naam, geboortedatum=date(1999, 4, 1), gemeente_van_verblijf=gemeentecode)
    session.add(persoon)
    await session.flush()
    signaal = Signaal(
        persoon_id=persoon.id,
        bron_organisatie_id=orgs.politie,
        ontvangen_op=vandaag - timedelta(days=60),
        omschrijving="Deelt oproepen tot geweld in een besloten groep.",
        status="opname",
        legal_hold=False,
    )
    session.add(signaal)
    await session.flush()
    weging = Weging(
        signaal_id=signaal.id,
        datum=vandaag - timedelta(days=50),
        criteria={"geweld": {"beoordeling": "hoog", "toelichting": "oproepen"}},
        uitkomst="opname",
        redenering="Zorgen over geweldsbereidheid.",
        vastgesteld_op=datetime.now(UTC),
    )
    session.add(weging)
    await session.flush()
    for org, soort in ((orgs.gemeente, "gemeente"), (orgs.politie, "politie"), (orgs.om, "om")):
        session.add(
            WegingAanwezige(weging_id=weging.id, organisatie_id=org, organisatie_type=soort)
        )
    casus = Casus(
        weging_id=weging.id,
        persoon_id=persoon.id,
        regie_gemeente=gemeentecode,
        gemeente_van_verblijf=gemeentecode,
        status="lopend",
        intake_datum=vandaag - timedelta(days=45),
        volgende_review=vandaag + timedelta(days=300),
        plan_uiterlijk=vandaag - timedelta(days=17),
        legal_hold=False,
    )
    session.add(casus)
    await session.flush()
    item_politie = InformatieItem(
        casus_id=casus.id,
        tekst="Woont sinds maart op het Stationsplein 4.",
        bron_organisatie_id=orgs.politie,
        datum=vandaag - timedelta(days=40),
        categorie="gewoon",
    )
    item_om = InformatieItem(
        casus_id=casus.id,
        tekst="Verdachte in lopend opsporingsonderzoek 2027-0042.",
        bron_organisatie_id=orgs.om,
        datum=vandaag - timedelta(days=30),
        categorie="strafrechtelijk",
    )
    session.add_all([item_politie, item_om])
    plan = Plan(casus_id=casus.id, doel="Afhouden van geweld, begeleiden naar werk.")
    session.add(plan)
    await session.flush()
    interventie = Interventie(
        plan_id=plan.id,
        omschrijving="Begeleiding naar werk via het werkgeversservicepunt.",
        domein="werk_inkomen",
        verantwoordelijke_id=orgs.reclassering,
        verantwoordelijke_type="reclassering",
        bevoegdheid="Reclasseringstoezicht",
        status="lopend",
    )
    zorg = Interventie(
        plan_id=plan.id,
        omschrijving="Traject bij de GGZ.",
        domein="zorg",
        verantwoordelijke_id=orgs.ggz,
        verantwoordelijke_type="ggz",
        bevoegdheid="Zorgverlening op vrijwillige basis",
        status="lopend",
    )
    session.add_all([interventie, zorg])
    agendapunt = Agendapunt(
        bijeenkomst_id=uuid.uuid4(),
        casus_id=casus.id,
        doel="bespreking",
        notulen="Besproken: voortgang werktraject; politie deelt nieuwe informatie.",
    )
    session.add(agendapunt)
    await session.flush()
    return Casusdata(
        persoon, signaal, weging, casus, item_politie, item_om, interventie, agendapunt
    )
