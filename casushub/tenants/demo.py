"""Fictitious cases in every phase for the demo municipalities (``make dev``), idempotent.

Every name here is invented (surnames like "Voorbeeld" and "Proefmans" make that plain) and no
value passes the 11-proef. The data goes through the same services as real work, so the demo
also shows what the access log records.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform import klok
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import (
    Deelnemer,
    maak_casus,
    registreer_herbeoordeling,
    sluit_af,
    verhuis,
    wijzig_status,
)
from casushub.tenants.maatregelen.services import kondig_aan
from casushub.tenants.overleg.services import agendeer, leg_actie_vast, notuleer
from casushub.tenants.personen.services import voeg_derde_toe
from casushub.tenants.plan.services import InterventieInvoer, stel_plan_vast, voeg_interventie_toe
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.uitnodigingen.services import nodig_uit
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

__all__ = ["DEMO_BIJEENKOMST_ID", "DEMO_ORGANISATIES", "demo_organisatie_id", "load_casus_demo"]

_NS = uuid.UUID("6f1c1f43-3a55-4c1e-9d1e-6a1f0d3c9b77")
# Only for callers without a hub calendar (the security tests' single municipality): `make dev`
# passes the real next meeting of the demo casusoverleg (casushub/cli/demo.py).
DEMO_BIJEENKOMST_ID = uuid.uuid5(_NS, "bijeenkomst:zvh_noord:volgende")
# Organisation slugs of devidp/demo-users.json, with their type.
DEMO_ORGANISATIES: Mapping[str, str] = {
    "politie": "politie",
    "om": "om",
    "reclassering": "reclassering",
    "ggz_noord": "satellietpartner",
    "jenv": "jenv",
}
_SYSTEEM = Actor.system("demo")


def demo_organisatie_id(slug: str) -> uuid.UUID:
    """A stable id for a demo organisation not (yet) in the platform registry."""
    return uuid.uuid5(_NS, f"organisatie:{slug}")


@dataclass(frozen=True)
class _Orgs:
    gemeente: uuid.UUID
    politie: uuid.UUID
    om: uuid.UUID
    reclassering: uuid.UUID
    ggz: uuid.UUID
    jenv: uuid.UUID = field(default_factory=lambda: demo_organisatie_id("jenv"))

    @property
    def kern(self) -> list[Aanwezige]:
        return [
            Aanwezige(self.gemeente, "gemeente"),
            Aanwezige(self.politie, "politie"),
            Aanwezige(self.om, "om"),
        ]

    @property
    def deelnemers(self) -> list[Deelnemer]:
        return [
            Deelnemer(self.gemeente, "gemeente"),
            Deelnemer(self.politie, "politie"),
            Deelnemer(self.om, "om"),
        ]


def _criteria(niveau: str) -> dict[str, Beoordeling]:
    toelichting = {
        "geen_zorg": "geen aanwijzingen",
        "enige_zorg": "signalen uit meerdere bronnen, nog niet eenduidig",
        "ernstige_zorg": "herhaalde en concrete uitingen",
    }[niveau]
    return {key: Beoordeling(niveau, toelichting) for key in CRITERIA}


async def _signaal(
    s: AsyncSession, orgs: _Orgs, code: str, naam: str, geboren: date, dagen: int, tekst: str
) -> Signaal:
    return await registreer_signaal(
        s,
        _SYSTEEM,
        NieuwSignaal(
            naam=naam,
            gemeente_van_verblijf=code,
            omschrijving=tekst,
            bron_organisatie_id=orgs.politie,
            ontvangen_op=klok.vandaag() - timedelta(days=dagen),
            geboortedatum=geboren,
        ),
    )


async def _weeg(
    s: AsyncSession,
    orgs: _Orgs,
    signaal: Signaal,
    uitkomst: str,
    dagen: int,
    vervolgdatum: date | None = None,
    niveau: str = "enige_zorg",
) -> uuid.UUID:
    weging = await weeg_signaal(
        s,
        _SYSTEEM,
        WegingInvoer(
            signaal_id=signaal.id,
            datum=klok.vandaag() - timedelta(days=dagen),
            aanwezigen=orgs.kern,
            criteria=_criteria(niveau),
            redenering="Afgewogen door de weegploeg op basis van de vijf criteria.",
            uitkomst=uitkomst,
            vervolgdatum=vervolgdatum,
        ),
        vaststellen=True,
    )
    return weging.id


async def _casus(
    s: AsyncSession,
    orgs: _Orgs,
    code: str,
    naam: str,
    geboren: date,
    intake_dagen: int,
    extra: Sequence[Deelnemer] = (),
) -> Casus:
    signaal = await _signaal(
        s, orgs, code, naam, geboren, intake_dagen + 20, "Zorgen over radicaliserende uitingen."
    )
    weging_id = await _weeg(s, orgs, signaal, "opname", intake_dagen + 7, niveau="ernstige_zorg")
    return await maak_casus(
        s,
        _SYSTEEM,
        weging_id=weging_id,
        regie_gemeente=code,
        intake_datum=klok.vandaag() - timedelta(days=intake_dagen),
        deelnemers=[*orgs.deelnemers, *extra],
    )


async def _vul(
    s: AsyncSession,
    orgs: _Orgs,
    code: str,
    naar: str,
    prefix: str,
    bijeenkomst: tuple[uuid.UUID, datetime],
) -> None:
    vandaag = klok.vandaag()
    # Signals in the weegploeg's queue and after each outcome.
    await _signaal(s, orgs, code, f"{prefix} Voorbeeld", date(2006, 3, 14), 3, "Melding school.")
    await _signaal(s, orgs, code, f"{prefix} Proefmans", date(1999, 8, 2), 6, "Melding wijkagent.")
    meer = await _signaal(s, orgs, code, f"{prefix} Oefenaar", date(2003, 1, 9), 30, "Tip.")
    await _weeg(s, orgs, meer, "meer_informatie", 20, vervolgdatum=vandaag + timedelta(days=10))
    geen = await _signaal(s, orgs, code, f"{prefix} Testerink", date(1990, 6, 30), 60, "Zorg.")
    await _weeg(s, orgs, geen, "geen_actie", 50, niveau="geen_zorg")
    straf = await _signaal(s, orgs, code, f"{prefix} Fictus", date(1995, 11, 11), 90, "Dreiging.")
    await _weeg(s, orgs, straf, "strafrechtelijk", 80, niveau="ernstige_zorg")
    # Weighed in, its casus not made yet: the regie finds it under "Wachten op opname".
    wacht = await _signaal(s, orgs, code, f"{prefix} Wachterman", date(1998, 5, 5), 14, "Melding.")
    await _weeg(s, orgs, wacht, "opname", 2, niveau="ernstige_zorg")

    # Aangemeld, plan still within its period.
    await _casus(s, orgs, code, f"{prefix} Demoster", date(2005, 2, 20), 5)
    # Aangemeld, plan overdue.
    await _casus(s, orgs, code, f"{prefix} Verzinsel", date(2001, 7, 7), 45)

    # Lopend with a plan, items of each category, a linked person, a meeting and an invitation;
    # the reclassering takes part in this casus only, so it sees this person and no other.
    lopend = await _casus(
        s,
        orgs,
        code,
        f"{prefix} Casusma",
        date(2004, 4, 4),
        60,
        extra=[Deelnemer(orgs.reclassering, "reclassering"), Deelnemer(orgs.jenv, "jenv")],
    )
    await wijzig_status(s, _SYSTEEM, lopend.id, "lopend")
    await voeg_derde_toe(s, _SYSTEEM, casus_id=lopend.id, naam="Moeder Casusma", relatie="ouder")
    items = [
        await voeg_item_toe(
            s,
            _SYSTEEM,
            casus_id=lopend.id,
            tekst=tekst,
            bron_organisatie_id=bron,
            datum=vandaag - timedelta(days=dagen),
            categorie=categorie,
            deelbeperking=deelbeperking,
        )
        for tekst, bron, dagen, categorie, deelbeperking in (
            ("Volgt weer lessen op het mbo.", orgs.gemeente, 20, "gewoon", None),
            (
                "In behandeling bij de GGZ (fictief).",
                orgs.gemeente,
                15,
                "bijzonder",
                "Niet delen buiten het casusoverleg.",
            ),
            ("Lopend onderzoek; details bij het OM.", orgs.om, 10, "strafrechtelijk", None),
        )
    ]
    gewoon = items[0]
    for omschrijving, domein, org, soort, bevoegdheid in (
        (
            "Schoolbegeleiding en stagecoach",
            "onderwijs",
            orgs.gemeente,
            "gemeente",
            "Wet op het onderwijs / leerplicht",
        ),
        ("Gesprek wijkagent", "bestuurlijk", orgs.politie, "politie", "Politiewet 2012, art. 3"),
    ):
        await voeg_interventie_toe(
            s,
            _SYSTEEM,
            lopend.id,
            InterventieInvoer(
                omschrijving,
                domein,
                org,
                soort,
                bevoegdheid,
                deadline=vandaag + timedelta(days=30),
                reviewdatum=vandaag + timedelta(days=60),
            ),
        )
    await stel_plan_vast(
        s,
        _SYSTEEM,
        lopend.id,
        doel="Terug naar school en afname van contacten met de groep.",
        op=vandaag - timedelta(days=30),
    )
    punt = await agendeer(
        s, _SYSTEEM, casus_id=lopend.id, bijeenkomst_id=bijeenkomst[0], doel="bespreking"
    )
    await notuleer(s, _SYSTEEM, punt.id, "Voortgang besproken; school positief.")
    await leg_actie_vast(s, _SYSTEEM, punt.id, soort="actie", tekst="Zorgaanbod verkennen")
    await nodig_uit(
        s,
        _SYSTEEM,
        casus_id=lopend.id,
        bijeenkomst_id=bijeenkomst[0],
        einde_bijeenkomst=bijeenkomst[1],
        organisatie_id=orgs.ggz,
        reden="Behandelrelatie; nodig om zorgaanbod af te stemmen.",
        item_ids=[gewoon.id],
        mag_inbrengen=True,
    )
    # The Minister of JenV announces a passport measure before taking it: the municipality
    # decides how it fits the plan (casushub.tenants.maatregelen).
    await kondig_aan(
        s,
        Actor(None, orgs.jenv, "participant", "demo", organisation_type="jenv"),
        lopend.id,
        omschrijving="Paspoort van de betrokkene laten vervallen (uitreisverbod).",
        bevoegdheid="Paspoortwet",
        voorgenomen_op=vandaag + timedelta(days=14),
    )

    # Monitoren after a re-assessment.
    monitor = await _casus(s, orgs, code, f"{prefix} Nepstra", date(1998, 9, 19), 200)
    await wijzig_status(s, _SYSTEEM, monitor.id, "lopend")
    await registreer_herbeoordeling(
        s,
        _SYSTEEM,
        monitor.id,
        datum=vandaag - timedelta(days=10),
        criteria=_criteria("enige_zorg"),
        redenering="Afname van zorgen; monitoren volstaat.",
    )
    await wijzig_status(s, _SYSTEEM, monitor.id, "monitoren")
    await agendeer(s, _SYSTEEM, casus_id=monitor.id, bijeenkomst_id=bijeenkomst[0], doel="review")

    # Review overdue: taken in 14 months ago, never re-assessed.
    verlopen = await _casus(s, orgs, code, f"{prefix} Bedachtsma", date(2000, 12, 1), 425)
    await wijzig_status(s, _SYSTEEM, verlopen.id, "lopend", vandaag=vandaag - timedelta(days=400))

    # Moved to the neighbouring municipality: hand-over task for that one.
    verhuisd = await _casus(s, orgs, code, f"{prefix} Zwerver", date(2002, 5, 5), 90)
    await verhuis(s, _SYSTEEM, verhuisd.id, naar_gemeente=naar, datum=vandaag - timedelta(days=2))

    # Closed: destruction date computed.
    gesloten = await _casus(s, orgs, code, f"{prefix} Afgerond", date(1997, 10, 10), 300)
    await sluit_af(
        s,
        _SYSTEEM,
        gesloten.id,
        reden="Doelen van het plan van aanpak bereikt.",
        datum=vandaag - timedelta(days=30),
    )


_VOORNAMEN = {"oostdam": "Olaf", "westwoude": "Wim", "noordhaven": "Nina"}


async def load_casus_demo(
    engine: AsyncEngine,
    settings: Settings,
    tenants: Sequence[tuple[TenantRef, str]],
    organisaties: Mapping[str, uuid.UUID],
    *,
    bijeenkomst: tuple[uuid.UUID, datetime] | None = None,
) -> list[str]:
    """Fill each ``(tenant, gemeentecode)`` once; ``organisaties`` maps demo slugs to ids;
    ``bijeenkomst`` is the (id, end) of the meeting the demo puts cases on the agenda of.

    A tenant that already holds a signal is left alone, so running it again changes nothing.
    """
    done = []
    codes = [code for _, code in tenants]
    for index, (tenant, code) in enumerate(tenants):
        orgs = _Orgs(
            gemeente=organisaties.get(f"gemeente_{tenant.slug}")
            or demo_organisatie_id(f"gemeente_{tenant.slug}"),
            politie=organisaties.get("politie") or demo_organisatie_id("politie"),
            om=organisaties.get("om") or demo_organisatie_id("om"),
            reclassering=organisaties.get("reclassering") or demo_organisatie_id("reclassering"),
            ggz=organisaties.get("ggz_noord") or demo_organisatie_id("ggz_noord"),
            jenv=organisaties.get("jenv") or demo_organisatie_id("jenv"),
        )
        # The move goes to the next municipality, or (one alone) to a made-up code that is
        # not its own: a move to where the person already lives is refused.
        naar = codes[(index + 1) % len(codes)] if len(codes) > 1 else "9999"
        if naar == code:
            naar = "9998" if code == "9999" else "9999"
        async with tenant_session(engine, tenant, settings) as s, s.begin():
            if await s.scalar(select(Signaal.id).limit(1)) is not None:
                continue
            await _vul(
                s,
                orgs,
                code,
                naar,
                _VOORNAMEN.get(tenant.slug, "Demo"),
                bijeenkomst or (DEMO_BIJEENKOMST_ID, datetime.now(UTC) + timedelta(days=7)),
            )
        done.append(f"casussen voor {tenant.slug} geladen")
    return done
