"""Partners under the Wet's safety net, in Chromium, signed in through the development
provider, with links and buttons only from the page after sign-in:

- the procesregisseur invites the youth care partner and lets it bring information in; the
  partner accepts confidentiality, brings in an item with the ground on which it shares it,
  and the regie sees the item with its source and ground;
- the participant for the Minister of JenV announces a passport measure before it is taken;
  the gemeente (regie) finds it in its werkruimte and decides how it fits the plan van aanpak,
  with nothing chosen beforehand.

Every page and every swapped section gets axe and the CSP check (journeykit.Journey), error
states included."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from browserkit import Tab
from journeykit import JOURNEY_CLIENT_SECRET, Cast, Journey, make_cast
from seedkit import SYSTEEM, hub_uuid, weging_invoer
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser

GEMEENTECODE = "9877"  # its own municipality: codes are unique on the platform
JENV_NAAM = "Ministerie van Justitie en Veiligheid Reis"


@pytest.fixture(scope="session")
async def cast(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    hub_id = await hub_uuid(admin_engine, hub)
    cast = await make_cast(
        admin_engine, settings, journey_idp.issuers["a"], hub_id, hub, gemeentecode=GEMEENTECODE
    )
    # The Minister of JenV: a participant organisation of its own type, no role of its own.
    domain = f"jenv{secrets.token_hex(3)}.test"
    async with admin_engine.begin() as conn:
        jenv = await create_organisation(
            conn,
            slug=domain.replace(".", "_"),
            name=JENV_NAAM,
            type="jenv",
            email_domains=[domain],
            hub_id=hub_id,
        )
        await save_provider(
            conn,
            settings,
            organisation_id=jenv,
            issuer=journey_idp.issuers["a"],
            client_id="casushub",
            client_secret=JOURNEY_CLIENT_SECRET,
        )
        email = f"dji@{domain}"
        await invite(
            conn, organisation_id=jenv, email=email, role=Role.PARTICIPANT, tenant_id=cast.tenant.id
        )
    cast.organisations["jenv"] = jenv
    cast.emails["jenv"] = email
    return cast


@pytest.fixture
async def journey(tab: Tab, cast: Cast) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def casus_met_jenv(
    app_engine: AsyncEngine, settings: Settings, cast: Cast, naam: str, *items: str
) -> str:
    """A casus JenV (and the police) take part in, with ordinary items from the police."""
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, GEMEENTECODE, "zorgen", cast.organisations["politie"], date.today()),
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente=GEMEENTECODE,
            intake_datum=date.today(),
            deelnemers=[
                Deelnemer(cast.organisations["politie"], "politie"),
                Deelnemer(cast.organisations["jenv"], "jenv"),
            ],
        )
        for tekst in items:
            await voeg_item_toe(
                s,
                SYSTEEM,
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=cast.organisations["politie"],
                datum=date.today(),
                categorie="gewoon",
            )
    return str(casus.id)


async def meeting_for(admin_engine: AsyncEngine, cast: Cast, days: int = 5) -> str:
    begin = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    async with admin_engine.begin() as conn:
        overleg = await maak_casusoverleg(
            conn, cast.hub_id, f"Regio Partners {secrets.token_hex(2)}", [cast.tenant.id]
        )
        meeting = await plan_bijeenkomst(
            conn, cast.hub_id, overleg, begin, begin + timedelta(hours=2), locatie="Zaal Partners"
        )
    return str(meeting)


async def bevestiging(walk: Journey) -> str:
    region = walk.page.locator("[data-bevestiging]")
    await region.first.wait_for()
    tekst: str = await region.first.inner_text()
    return tekst.strip()


async def open_casusoverleg(walk: Journey) -> None:
    await walk.press("Casusoverleg", role="link")
    await walk.page.wait_for_url("**/casusoverleg")
    await walk.check()


async def naar_casus(walk: Journey, naam: str) -> None:
    await open_casusoverleg(walk)
    await walk.press(naam, role="link")
    await walk.page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()


async def test_invited_partner_brings_in_information_with_its_ground(
    journey: Journey,
    cast: Cast,
    app_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    settings: Settings,
) -> None:
    naam = f"Iris Inbreng {secrets.token_hex(2)}"
    await casus_met_jenv(app_engine, settings, cast, naam, "Volgt een opleiding.")
    await meeting_for(admin_engine, cast, days=2)
    walk, page = journey, journey.page

    # The procesregisseur invites the youth care partner and lets it bring information in.
    await walk.sign_in(cast.emails["procesregisseur"])
    await naar_casus(walk, naam)
    await walk.press("Bijeenkomsten en uitnodigingen", role="link")
    await page.wait_for_url("**/bijeenkomsten")
    await walk.check()
    await walk.press("Partij uitnodigen", role="link")
    await page.wait_for_url("**/uitnodigen")
    await walk.check()
    # Off unless the regie turns it on.
    assert not await page.locator("#mag_inbrengen").is_checked()
    await page.locator("#uitnodiging_bijeenkomst").select_option(index=1)
    await walk.select("partij", cast.names["partner"])
    await walk.fill("reden", "Jeugdzorg begeleidt de betrokkene.")
    await page.get_by_label(re.compile("Volgt een opleiding")).check()
    await walk.tick("mag_inbrengen")
    await walk.press("Uitnodigen")
    await page.wait_for_url("**/bijeenkomsten")
    await walk.check()
    assert "mag informatie inbrengen" in await page.locator("ul.uitnodigingen").inner_text()
    await page.context.clear_cookies()

    # The partner: werkruimte, casusoverleg, its invitation, confidentiality, then bring in.
    await walk.sign_in(cast.emails["invited_party"])
    await walk.press("Mijn uitnodigingen", role="link")
    await page.wait_for_url("**/casusoverleg")
    await walk.check()
    await (
        page.locator("main")
        .get_by_role("link", name=re.compile("Uitnodiging voor een bespreking"))
        .first.click()
    )
    await page.wait_for_url(re.compile(r".*/casusoverleg/uitnodigingen/[0-9a-f-]+$"))
    await walk.check()
    assert await page.get_by_role("link", name="Informatie inbrengen").count() == 0
    await walk.tick("geheimhouding")
    await walk.press("Accepteren")
    await page.locator("main").get_by_text("Volgt een opleiding.").first.wait_for()
    await walk.check()
    await walk.press("Informatie inbrengen", role="link")
    await page.wait_for_url("**/inbrengen")
    await walk.check()
    # No ground and no kind of data chosen beforehand.
    assert await page.locator("input[type='radio']:checked").count() == 0
    await walk.fill("tekst", "Komt zijn afspraken bij de jeugdzorg na.")
    await walk.press("Informatie inbrengen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    samenvatting = await page.locator("[data-error-summary]").inner_text()
    assert "Kies de grond waarop u deze informatie deelt." in samenvatting
    assert "Kies de soort gegevens." in samenvatting
    # What was typed is kept.
    assert await page.locator("#tekst").input_value() == "Komt zijn afspraken bij de jeugdzorg na."
    await page.get_by_label("Gewone gegevens").check()
    await page.get_by_label(re.compile("^Conflict van plichten")).check()
    await walk.fill("deelgrond_toelichting", "Zorg om de veiligheid van zijn broertje.")
    await walk.press("Informatie inbrengen")
    await page.wait_for_url(re.compile(r".*/casusoverleg/uitnodigingen/[0-9a-f-]+$"))
    await walk.check()
    assert "Informatie ingebracht" in await bevestiging(walk)
    getoond = await page.locator("main").inner_text()
    assert "Komt zijn afspraken bij de jeugdzorg na." in getoond
    assert "Conflict van plichten" in getoond
    await page.context.clear_cookies()

    # The regie sees the item with its source and its ground.
    await walk.sign_in(cast.emails["gemeente_regie"])
    await naar_casus(walk, naam)
    await walk.press("Informatie", role="link")
    await page.wait_for_url("**/informatie")
    await walk.check()
    sectie = await page.locator("#informatie").inner_text()
    assert "Komt zijn afspraken bij de jeugdzorg na." in sectie
    assert f"bron: {cast.names['partner']}" in sectie
    assert "Grond om te delen: Conflict van plichten" in sectie
    assert "Zorg om de veiligheid van zijn broertje." in sectie


async def test_jenv_announces_a_measure_and_the_gemeente_decides(
    journey: Journey, cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    naam = f"Paul Paspoort {secrets.token_hex(2)}"
    await casus_met_jenv(app_engine, settings, cast, naam)
    walk, page = journey, journey.page

    # The participant for the Minister of JenV announces the measure in the casus.
    await walk.sign_in(cast.emails["jenv"])
    await naar_casus(walk, naam)
    await walk.press("Maatregelen van de minister", role="link")
    await page.wait_for_url("**/maatregelen")
    await walk.check()
    await walk.press("Maatregel aankondigen", role="link")
    await page.wait_for_url("**/maatregelen/nieuw")
    await walk.check()
    await walk.fill("voorgenomen_op", "31-02-2020")
    await walk.press("Maatregel aankondigen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    assert await page.locator("#voorgenomen_op").input_value() == "31-02-2020"
    await walk.fill("omschrijving", "Paspoort laten vervallen (uitreisverbod).")
    await walk.fill("bevoegdheid", "Paspoortwet")
    await page.locator("#voorgenomen_op").fill("")
    await walk.press("Maatregel aankondigen")
    await page.wait_for_url("**/maatregelen")
    await walk.check()
    assert "Maatregel aangekondigd" in await bevestiging(walk)
    sectie = await page.locator("#maatregelen").inner_text()
    assert "Paspoort laten vervallen" in sectie
    assert "Wacht op het besluit van de gemeente." in sectie
    await page.context.clear_cookies()

    # The gemeente (regie) is told in its werkruimte and decides.
    await walk.sign_in(cast.emails["gemeente_regie"])
    blok = page.locator("main section, main article, main div").filter(
        has=page.get_by_role("heading", name="Maatregelen van de minister")
    )
    assert "Wachten op uw besluit" in await blok.last.inner_text()
    await walk.press("Aangekondigde maatregelen", role="link")
    await page.wait_for_url("**/casusoverleg/maatregelen")
    await walk.check()
    await walk.press(f"Maatregel voor {naam}", role="link")
    await page.wait_for_url("**/besluit")
    await walk.check()
    assert await page.locator("input[type='radio']:checked").count() == 0
    await walk.press("Besluit vastleggen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    assert "Kies hoe de maatregel" in await page.locator("[data-error-summary]").inner_text()
    await page.get_by_label("Opnemen in het plan van aanpak").check()
    await walk.fill("reden", "Past bij het doel: geen uitreis naar een strijdgebied.")
    await walk.press("Besluit vastleggen")
    await page.wait_for_url("**/maatregelen")
    await walk.check()
    assert "Besluit vastgelegd" in await bevestiging(walk)
    assert "Opnemen in het plan van aanpak" in await page.locator("#maatregelen").inner_text()
    await walk.press("Plan van aanpak", role="link")
    await page.wait_for_url("**/plan")
    await walk.check()
    plan = await page.locator("#plan").inner_text()
    assert "Paspoort laten vervallen (uitreisverbod)." in plan
    assert f"Verantwoordelijk: {JENV_NAAM}; bevoegdheid: Paspoortwet" in plan
