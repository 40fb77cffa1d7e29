"""Journeys of a data subject's request, in Chromium, signed in through the development
identity provider, from the start page with links and buttons only: filed on one
municipality's page for a resident of another and found there by name; linked, answered by two
participants (one restricting an item), decided and exported without that item; a
rectification that notifies the recipients; an erasure with its receipt. Every visited page
gets axe and the CSP check (journeykit.Journey)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from browserkit import Tab
from journeykit import Cast, Journey, make_cast
from seedkit import SYSTEEM, hub_uuid, weging_invoer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verzoeken.models import RectificatieMelding
from casushub.tenants.verzoeken.rectificatie import MELD_ACTOR
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Gemeente:
    cast: Cast
    code: str

    @property
    def naam(self) -> str:
        return str(self.cast.tenant_name)

    def email(self, rol: str) -> str:
        return str(self.cast.emails[rol])


async def _gemeente(
    admin_engine: AsyncEngine, settings: Settings, idp: DevIdp, hub: str, code: str
) -> Gemeente:
    """A municipality with a contactpunt officer and politie and OM participants."""
    cast = await make_cast(
        admin_engine,
        settings,
        idp.issuers["a"],
        await hub_uuid(admin_engine, hub),
        hub,
        gemeentecode=code,
    )
    async with admin_engine.begin() as conn:
        for rol, org, login in (
            (Role.CONTACTPUNT, "gemeente", "contactpunt"),
            (Role.PARTICIPANT, "politie", "agent"),
            (Role.PARTICIPANT, "om", "officier"),
        ):
            email = f"{login}{secrets.token_hex(2)}@{cast.emails[org]}"
            await invite(
                conn,
                organisation_id=cast.organisations[org],
                email=email,
                role=rol,
                tenant_id=cast.tenant.id,
            )
            cast.emails[f"{login}"] = email
    return Gemeente(cast, code)


@pytest.fixture(scope="session")
async def gemeenten(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> tuple[Gemeente, Gemeente]:
    """Two municipalities on one hub: where a request is filed, and where the person lives."""
    return (
        await _gemeente(admin_engine, settings, journey_idp, hub, "9881"),
        await _gemeente(admin_engine, settings, journey_idp, hub, "9882"),
    )


@pytest.fixture
async def journey(tab: Tab) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def _persoon_met_gegevens(
    app_engine: AsyncEngine, settings: Settings, g: Gemeente, naam: str
) -> Casus:
    """A casus about ``naam`` with an item of the politie and one of the OM."""
    orgs = g.cast.organisations
    async with tenant_session(app_engine, g.cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s, SYSTEEM, NieuwSignaal(naam, g.code, "zorgen", orgs["politie"], date.today())
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente=g.code,
            intake_datum=date.today(),
            deelnemers=[
                Deelnemer(orgs["politie"], "politie"),
                Deelnemer(orgs["om"], "om"),
            ],
        )
        for tekst, bron in (
            ("Politie: woont sinds maart op het Stationsplein.", "politie"),
            ("OM: onderwerp van lopend opsporingsonderzoek 2027-0042.", "om"),
        ):
            await voeg_item_toe(
                s,
                SYSTEEM,
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=orgs[bron],
                datum=date.today(),
                categorie="gewoon",
            )
    return casus


async def _naar(walk: Journey, naam: str | re.Pattern[str], *, role: str = "link") -> None:
    """Follow a link (or press a button) and check the page it leads to."""
    async with walk.page.expect_navigation():
        # The same link may be in the menu and in the page (e.g. "Verzoek registreren").
        await walk.page.get_by_role(role, name=naam, exact=True).first.click()
    await walk.check()


async def _registreer_per_brief(walk: Journey, g: Gemeente, soort: str, naam: str) -> None:
    """The contactpunt officer registers a request that came in by letter."""
    page = walk.page
    await _naar(walk, "Verzoek registreren")
    await walk.select("type", soort)
    await walk.select("kanaal", "Brief")
    await walk.select("gemeente_van_verblijf", g.naam)
    await walk.fill("naam", naam)
    await walk.fill("adres", "Dorpsstraat 1, 9999 AA Dorp")
    await _naar(walk, "Registreren", role="button")
    assert await page.locator("h1").inner_text() == "Verzoek geregistreerd"


async def _vind_in_wachtrij(walk: Journey, naam: str) -> str:
    """From the officer's menu: the queue, searched by name, then the request."""
    page = walk.page
    await _naar(walk, "Verzoeken")
    await walk.fill("zoek", naam.split()[-1])
    await _naar(walk, "Zoeken", role="button")
    await _naar(walk, naam)
    kop = str(await page.locator("h1").inner_text())
    assert kop.startswith("Verzoek CP-")
    return kop.removeprefix("Verzoek ")


async def _koppel(walk: Journey, naam: str) -> None:
    page = walk.page
    await walk.fill("zoek_naam", naam)
    await _naar(walk, "Zoeken", role="button")
    await page.get_by_label(re.compile(f"^{naam}, geboren")).check()
    await _naar(walk, "Koppelen en deelnemers raadplegen", role="button")
    assert "De persoon is gekoppeld." in await page.locator("main").inner_text()


async def _beslis(walk: Journey, uitkomst: str, motivering: str, **velden: str) -> None:
    page = walk.page
    await _naar(walk, "Besluit nemen")
    await page.get_by_label(uitkomst, exact=True).check()
    for veld, waarde in velden.items():
        if veld == "gegeven":
            await page.locator("#gegeven").select_option(label=waarde)
        else:
            await walk.fill(veld, waarde)
    await walk.fill("motivering", motivering)
    await _naar(walk, "Besluit vastleggen en uitvoeren", role="button")
    assert "Het besluit is vastgelegd" in await page.locator("main").inner_text()


async def _uitloggen(walk: Journey) -> None:
    await walk.page.context.clear_cookies()


async def test_a_request_filed_elsewhere_reaches_the_contactpunt_of_the_residence(
    journey: Journey, gemeenten: tuple[Gemeente, Gemeente]
) -> None:
    ingediend_bij, woonplaats = gemeenten
    page = journey.page
    naam = f"Fatima Verhuisd{secrets.token_hex(2)}"
    # The citizen: from the start page to the first municipality's public page.
    await journey.goto("/")
    await _naar(journey, "Uw gegevens en uw rechten")
    await _naar(journey, ingediend_bij.naam)
    assert await page.get_by_role("link", name="Inloggen").count() == 0
    # A municipality off the platform: the citizen is told where to go, nothing is kept.
    await journey.select("type", "Inzage: weten welke gegevens er over mij zijn")
    await journey.select("gemeente_van_verblijf", "Een andere gemeente")
    await _naar(journey, "Verzoek versturen", role="button")
    assert "burgemeester van de gemeente waar u woont" in await page.locator("main").inner_text()
    await _naar(journey, "Terug naar het formulier")
    await journey.select("type", "Inzage: weten welke gegevens er over mij zijn")
    await journey.select("gemeente_van_verblijf", woonplaats.naam)
    await journey.fill("naam", naam)
    await journey.fill("email", "fatima@voorbeeld.nl")
    await _naar(journey, "Verzoek versturen", role="button")
    bewijs = await page.locator("main").inner_text()
    assert "Wij hebben uw verzoek ontvangen" in bewijs
    assert woonplaats.naam in bewijs
    nummer = await page.locator(".ontvangstnummer").inner_text()
    await _uitloggen(journey)
    # The contactpunt officer of the municipality where the person lives finds it by name.
    await journey.sign_in(woonplaats.email("contactpunt"))
    assert await _vind_in_wachtrij(journey, naam) == nummer
    tekst = await page.locator("main").inner_text()
    assert f"{ingediend_bij.naam} (doorgestuurd naar dit contactpunt)" in tekst


async def test_a_request_is_linked_answered_restricted_decided_and_exported(
    journey: Journey,
    gemeenten: tuple[Gemeente, Gemeente],
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    _, g = gemeenten
    page = journey.page
    naam = f"Ilse Inzage{secrets.token_hex(2)}"
    await _persoon_met_gegevens(app_engine, settings, g, naam)
    await journey.sign_in(g.email("contactpunt"))
    await _registreer_per_brief(journey, g, "Inzage: weten welke gegevens er over mij zijn", naam)
    await _vind_in_wachtrij(journey, naam)
    await _koppel(journey, naam)
    verzoek_pad = journey.path()
    await _uitloggen(journey)
    # The politie restricts its item and answers; the OM answers.
    for login, beperk in (("agent", False), ("officier", True)):
        await journey.sign_in(g.email(login))
        await _naar(journey, "Raadplegingen beantwoorden")
        taak = page.locator("section", has_text=naam)
        if beperk:
            keuze = taak.locator("select[name='item'] option", has_text="opsporingsonderzoek")
            waarde = await keuze.get_attribute("value")
            assert waarde is not None
            await taak.locator("select[name='item']").select_option(waarde)
            await taak.locator("select[name='grond']").select_option("opsporing")
            await taak.locator("input[name='herzien_op']").fill(
                (date.today() + timedelta(days=60)).isoformat()
            )
            async with page.expect_navigation():
                await taak.get_by_role("button", name="Inzage beperken").click()
            await journey.check()
            taak = page.locator("section", has_text=naam)
        await taak.locator("textarea[name='antwoord']").fill(
            "Het OM vraagt één gegeven achter te houden." if beperk else "Geen bezwaar."
        )
        async with page.expect_navigation():
            await taak.get_by_role("button", name="Reactie versturen").click()
        await journey.check()
        await _uitloggen(journey)
    # The officer sees who answered, decides for all, and exports without the restricted item.
    await journey.sign_in(g.email("contactpunt"))
    await _vind_in_wachtrij(journey, naam)
    assert journey.path() == verzoek_pad
    tekst = await page.locator("main").inner_text()
    assert "Geen bezwaar." in tekst
    assert "Het OM vraagt één gegeven achter te houden." in tekst
    assert re.search(r"2 van de \d deelnemers hebben gereageerd", tekst)
    await _beslis(
        journey,
        "Deels toewijzen",
        "U krijgt inzage; één gegeven blijft achter vanwege een lopend onderzoek.",
    )
    assert "Het besluit telt 1 niet verstrekt gegeven" in await page.locator("main").inner_text()
    async with page.expect_download() as gedownload:
        await page.get_by_role("link", name="JSON downloaden").click()
    pad = await (await gedownload.value).path()
    inzage = json.loads(pad.read_text(encoding="utf-8"))
    export = json.dumps(inzage, ensure_ascii=False)
    assert "Stationsplein" in export
    assert "opsporingsonderzoek" not in export


async def test_a_rectification_notifies_the_recipients_of_the_old_value(
    journey: Journey,
    gemeenten: tuple[Gemeente, Gemeente],
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    _, g = gemeenten
    page = journey.page
    naam = f"Rutger Rectificatie{secrets.token_hex(2)}"
    casus = await _persoon_met_gegevens(app_engine, settings, g, naam)
    # The politie opened the casus before: it holds the old value.
    await journey.sign_in(g.email("agent"))
    await _naar(journey, "Casusoverleg")
    await _naar(journey, naam)
    await _uitloggen(journey)
    await journey.sign_in(g.email("contactpunt"))
    await _registreer_per_brief(journey, g, "Verbetering: onjuiste gegevens laten aanpassen", naam)
    await _vind_in_wachtrij(journey, naam)
    await _koppel(journey, naam)
    await _beslis(
        journey,
        "Toewijzen",
        "De naam was verkeerd geschreven en wordt verbeterd.",
        gegeven=f"Naam: {naam}",
        nieuwe_waarde=f"{naam}-Jansen",
    )
    tekst = await page.locator("main").inner_text()
    assert f"‘{naam}’" in tekst
    assert f"‘{naam}-Jansen’" in tekst
    assert g.cast.names["politie"] in tekst
    async with tenant_session(app_engine, g.cast.tenant, settings) as s:
        persoon = await s.get(Persoon, casus.persoon_id)
        meldingen = (await s.scalars(select(RectificatieMelding))).all()
        outbox = (
            await s.scalars(select(OutboxEntry).where(OutboxEntry.actor_name == MELD_ACTOR))
        ).all()
    assert persoon is not None
    assert persoon.naam == f"{naam}-Jansen"
    assert g.cast.organisations["politie"] in {m.organisatie_id for m in meldingen}
    assert outbox
    # The politie finds the correction from its werkruimte.
    await _uitloggen(journey)
    await journey.sign_in(g.email("agent"))
    await _naar(journey, "Verbeterde gegevens bekijken")
    await _naar(journey, re.compile("de naam van de betrokkene verbeterd"))
    assert f"{naam}-Jansen" in await page.locator("main").inner_text()


async def test_an_erasure_is_carried_out_with_its_receipt(
    journey: Journey,
    gemeenten: tuple[Gemeente, Gemeente],
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    _, g = gemeenten
    page = journey.page
    naam = f"Wendy Wissen{secrets.token_hex(2)}"
    casus = await _persoon_met_gegevens(app_engine, settings, g, naam)
    await journey.sign_in(g.email("contactpunt"))
    await _registreer_per_brief(journey, g, "Verwijdering: gegevens laten wissen", naam)
    await _vind_in_wachtrij(journey, naam)
    await _koppel(journey, naam)
    await _beslis(journey, "Toewijzen", "Er is geen grond meer om deze gegevens te bewaren.")
    tekst = await page.locator("main").inner_text()
    assert "Vernietigingsbewijs" in tekst
    assert "Verwijderverzoek" in tekst
    async with tenant_session(app_engine, g.cast.tenant, settings) as s:
        assert await s.get(Casus, casus.id) is None
        bewijzen = (
            await s.scalars(
                select(Vernietigingsbewijs).where(Vernietigingsbewijs.record_id == casus.id)
            )
        ).all()
    assert len(bewijzen) == 1
