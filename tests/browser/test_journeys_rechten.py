"""Journeys for holds, retention, restrictions and moves, in Chromium, signed in through the
development identity provider: a legal hold set and lifted with the retention dry run showing
the difference; a retention period changed; an item marked "inzage beperkt", confirmed and
lifted; a move with a running request following the person to the new municipality's queue.
Every visited page gets axe and the CSP check (journeykit.Journey)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from browserkit import Tab
from journeykit import Cast, Journey, make_cast
from seedkit import SYSTEEM, hub_uuid, weging_invoer
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.exports.rules import ExportDoel
from casushub.tenants.plan.services import InterventieInvoer, voeg_interventie_toe
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verzoeken.rules import BEPERKING_GRONDEN, Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.services import registreer
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser

CODE = "9873"
NIEUWE_CODE = "9874"


@pytest.fixture(scope="session")
async def rechten_cast(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    return await make_cast(
        admin_engine,
        settings,
        journey_idp.issuers["a"],
        await hub_uuid(admin_engine, hub),
        hub,
        gemeentecode=CODE,
    )


@pytest.fixture
async def journey(tab: Tab) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def casus_met_item(
    app_engine: AsyncEngine, settings: Settings, cast: Cast, naam: str, *, te_vernietigen: bool
) -> str:
    """A casus with a police item; ``te_vernietigen``: closed, its period ends in 3 days."""
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, CODE, "zorgen", cast.organisations["politie"], date.today()),
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente=CODE,
            intake_datum=date.today(),
            deelnemers=[Deelnemer(cast.organisations["politie"], "politie")],
        )
        await voeg_item_toe(
            s,
            SYSTEEM,
            casus_id=casus.id,
            tekst="Volgt een opleiding.",
            bron_organisatie_id=cast.organisations["gemeente"],
            datum=date.today(),
            categorie="gewoon",
        )
        if te_vernietigen:
            # Closed five years ago (the workflow's closure refuses a date that far back):
            # only the outcome the dry run reads is set here.
            await s.execute(
                update(Casus)
                .where(Casus.id == casus.id)
                .values(
                    status="afgesloten",
                    afgesloten_op=date.today() - timedelta(days=5 * 365),
                    afsluitreden="Doelen bereikt.",
                    destroy_on=date.today() + timedelta(days=3),
                )
            )
    return str(casus.id)


async def naar_rechten(walk: Journey, casus_id: str) -> None:
    """The casus page, then its section "Bewaarplicht en rechten"."""
    await walk.goto(f"/casusoverleg/casussen/{casus_id}")
    await walk.press("Bewaarplicht en rechten", role="link")
    await walk.page.wait_for_url("**/rechten")
    await walk.page.locator("#bewaarplicht-status").wait_for()


async def _proefrun(walk: Journey) -> tuple[str, str]:
    """Open the dry run from the hold screen; the texts of its two tables."""
    page = walk.page
    await walk.press("Bekijk wat volgende week wordt vernietigd (proefrun)", role="link")
    await page.wait_for_url("**/bewaartermijnen/proefrun")
    await walk.check()
    main = page.locator("main")
    te_vernietigen = main.locator("[aria-labelledby='te-vernietigen-titel']")
    opgeschort = main.locator("[aria-labelledby='geblokkeerd-titel']")
    return (
        await te_vernietigen.inner_text() if await te_vernietigen.count() else "",
        await opgeschort.inner_text() if await opgeschort.count() else "",
    )


async def test_legal_hold_set_and_lifted_with_the_dry_run_showing_it(
    journey: Journey, rechten_cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    cast = rechten_cast
    casus_id = await casus_met_item(
        app_engine, settings, cast, "Berend Bewaar", te_vernietigen=True
    )
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await naar_rechten(journey, casus_id)
    await journey.check()
    assert "geen juridische blokkade" in await page.locator("#bewaarplicht-status").inner_text()
    await journey.press("Bewaarplicht beheren", role="link")
    await page.wait_for_url("**/bewaarplicht")
    await journey.check()

    # Before: due this week.
    te_vernietigen, opgeschort = await _proefrun(journey)
    assert casus_id in te_vernietigen
    assert casus_id not in opgeschort
    await page.go_back()
    await page.wait_for_url("**/bewaarplicht")

    # No choice made: refused, nothing pre-decided.
    await journey.press("Blokkade instellen")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    await journey.select("reikwijdte", "Alleen deze casus")
    await journey.select("grond", "rechtszaak")
    await journey.fill("reden", "Beroep bij de rechtbank, zaak 2026/123.")
    await journey.press("Blokkade instellen")
    await page.wait_for_url("**/bewaarplicht?gelukt=ingesteld")
    await journey.check()
    assert "opgeschort" in await page.locator("#vernietigen-op").inner_text()

    # During: held back, with its ground.
    te_vernietigen, opgeschort = await _proefrun(journey)
    assert casus_id not in te_vernietigen
    assert casus_id in opgeschort
    assert "juridische blokkade op de casus: rechtszaak" in opgeschort
    await page.go_back()
    await page.wait_for_url("**/bewaarplicht?gelukt=ingesteld")

    # The casus shows the hold: in its summary and in its rights section.
    await journey.press("Terug naar de casus Berend Bewaar", role="link")
    await page.wait_for_url("**/rechten")
    await page.locator("#bewaarplicht-status").wait_for()
    await journey.check()
    assert "rechtszaak" in await page.locator("#bewaarplicht-status").inner_text()
    assert "Bewaarplicht (legal hold)" in await page.locator(".casus-kop").inner_text()

    # Lift it, with a reason: the schedule resumes.
    await journey.press("Bewaarplicht beheren", role="link")
    await page.wait_for_url("**/bewaarplicht")
    await journey.check()
    veld = page.locator("textarea[name='reden_opheffing']")
    await journey.fill(str(await veld.get_attribute("id")), "Uitspraak onherroepelijk.")
    await journey.press("Blokkade opheffen")
    await page.wait_for_url("**/bewaarplicht?gelukt=opgeheven")
    await journey.check()
    assert await page.locator("#geen-blokkade").count() == 1
    te_vernietigen, opgeschort = await _proefrun(journey)
    assert casus_id in te_vernietigen
    assert casus_id not in opgeschort


async def test_regie_changes_a_retention_period_and_reads_the_receipts(
    journey: Journey, rechten_cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    cast = rechten_cast
    casus_id = await casus_met_item(
        app_engine, settings, cast, "Tineke Termijn", te_vernietigen=False
    )
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await naar_rechten(journey, casus_id)
    await journey.check()
    await journey.press("Bewaarplicht beheren", role="link")
    await page.wait_for_url("**/bewaarplicht")
    await journey.check()
    await journey.press("Bekijk wat volgende week wordt vernietigd (proefrun)", role="link")
    await page.wait_for_url("**/bewaartermijnen/proefrun")
    await journey.check()
    await journey.press("Bewaartermijnen", role="link")
    await page.wait_for_url("**/bewaartermijnen")
    await journey.check()
    assert "voorlopig" in await page.locator("#termijn-casus").inner_text()
    await journey.press("Termijn wijzigen")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    await journey.select("sleutel", "Casus")
    await journey.fill("jaren", "7")
    await journey.fill("reden", "Advies juridisch adviseur, december 2026.")
    await journey.press("Termijn wijzigen")
    await page.wait_for_url("**/bewaartermijnen?gelukt=gewijzigd")
    await journey.check()
    assert "7 jaar" in await page.locator("#termijn-casus").inner_text()
    assert "vastgesteld door de gemeente" in await page.locator("#termijn-casus").inner_text()
    assert "Advies juridisch adviseur, december 2026." in await page.locator("main").inner_text()
    await journey.press("Vernietigingsbewijzen", role="link")
    await page.wait_for_url("**/bewaartermijnen/vernietigingsbewijzen")
    await journey.check()


async def test_an_item_marked_inzage_beperkt_then_confirmed_and_lifted(
    journey: Journey, rechten_cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    """The gemeente supplied the item, so its regie may withhold it from inzage."""
    cast = rechten_cast
    casus_id = await casus_met_item(app_engine, settings, cast, "Irma Inzage", te_vernietigen=False)
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await naar_rechten(journey, casus_id)
    await journey.check()
    await page.get_by_role("link", name=re.compile(r"^Inzage beperken")).click()
    await page.wait_for_url("**/inzage")
    await journey.check()
    await journey.press("Inzage beperken")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    herzien = (date.today() + timedelta(days=30)).strftime("%d-%m-%Y")
    await journey.select("grond", BEPERKING_GRONDEN["opsporing"])
    await journey.fill("herzien_op", herzien)
    await journey.fill("toelichting", "Parketnummer 12/345678-26.")
    await journey.press("Inzage beperken")
    await page.wait_for_url("**/inzage?gelukt=beperkt")
    await journey.check()
    assert await page.locator("#herzien-op").inner_text() == herzien

    # Confirmed on review with a new date.
    nieuw = (date.today() + timedelta(days=90)).strftime("%d-%m-%Y")
    await journey.fill("nieuw_herzien_op", nieuw)
    await journey.press("Beperking bevestigen")
    await page.wait_for_url("**/inzage?gelukt=bevestigd")
    await journey.check()
    assert await page.locator("#herzien-op").inner_text() == nieuw

    # The casus page shows it among the items.
    await journey.press("Terug naar de casus Irma Inzage", role="link")
    await page.locator("#bewaarplicht-status").wait_for()
    await journey.check()
    assert f"beperkt tot herbeoordeling op {nieuw}" in await page.locator("#rechten").inner_text()

    await page.get_by_role("link", name=re.compile(r"^Beperking bekijken")).click()
    await page.wait_for_url("**/inzage")
    await journey.check()
    await journey.press("Beperking opheffen")
    await page.wait_for_url("**/inzage?gelukt=opgeheven")
    await journey.check()
    assert "opgeheven" in await page.locator("#beperking-status").inner_text()


@pytest.fixture(scope="session")
async def nieuwe_gemeente(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    """A second municipality on the same hub: where the person moves to."""
    return await make_cast(
        admin_engine,
        settings,
        journey_idp.issuers["a"],
        await hub_uuid(admin_engine, hub),
        hub,
        gemeentecode=NIEUWE_CODE,
    )


async def test_a_move_takes_the_running_request_along(
    journey: Journey,
    rechten_cast: Cast,
    nieuwe_gemeente: Cast,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    cast = rechten_cast
    casus_id = await casus_met_item(
        app_engine, settings, cast, "Victor Verhuis", te_vernietigen=False
    )
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        casus = await s.get(Casus, uuid.UUID(casus_id))
        assert casus is not None
        verzoek = await registreer(
            s,
            SYSTEEM,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Victor Verhuis",
                indiener_naam="Victor Verhuis",
                kanaal=Kanaal.BRIEF,
                persoon_id=casus.persoon_id,
            ),
            gemeentecode=CODE,
        )
        nummer = verzoek.ontvangstnummer
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await journey.goto(f"/casusoverleg/casussen/{casus_id}")
    await journey.press("Verhuizing vastleggen", role="link")
    await page.wait_for_url("**/verhuizing")
    await journey.check()
    await page.locator("#naar_gemeente").select_option(value=NIEUWE_CODE)
    await journey.fill("verhuis_datum", date.today().strftime("%d-%m-%Y"))
    await journey.press("Verhuizing vastleggen")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await journey.check()
    assert "Verhuizing vastgelegd" in await page.locator("main").inner_text()

    # The casus history shows the hand-over and the request that went along.
    await journey.press("Bewaarplicht en rechten", role="link")
    await page.wait_for_url("**/rechten")
    await page.locator("#overdrachtsgeschiedenis").wait_for()
    await journey.check()
    geschiedenis = await page.locator("#overdrachtsgeschiedenis").inner_text()
    assert f"gemeld aan {nieuwe_gemeente.tenant_name}" in geschiedenis
    assert f"meegegaan: verzoek {nummer}" in geschiedenis

    # The sending queue shows the hand-over.
    await journey.goto("/contactpunt-taken")
    await page.locator("#meeverhuisd").wait_for()
    await journey.check()
    assert f"Overgedragen: verzoek {nummer}" in await page.locator("#meeverhuisd").inner_text()

    # The new municipality's queue shows the request that came along, and opens it.
    await page.context.clear_cookies()
    await journey.sign_in(nieuwe_gemeente.emails["gemeente_regie"])
    await journey.goto("/contactpunt-taken")
    await page.locator("#meeverhuisd").wait_for()
    await journey.check()
    binnen = await page.locator("#meeverhuisd").inner_text()
    assert f"meegekomen bij een verhuizing uit {cast.tenant_name}" in binnen
    # The queue itself lists it as well; the hand-over section links to the same request.
    await page.locator("#meeverhuisd").get_by_role("link", name=nummer).click()
    await page.wait_for_url("**/contactpunt-taken/verzoek/**")
    await journey.check()
    assert "Victor Verhuis" in await page.locator("main").inner_text()


async def test_export_for_an_intervention_refuses_another_purpose(
    journey: Journey, rechten_cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    cast = rechten_cast
    casus_id = await casus_met_item(
        app_engine, settings, cast, "Esther Export", te_vernietigen=False
    )
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        await voeg_interventie_toe(
            s,
            SYSTEEM,
            uuid.UUID(casus_id),
            InterventieInvoer(
                "Traject schuldhulpverlening",
                "werk_inkomen",
                cast.organisations["politie"],
                "politie",
                "Wet gemeentelijke schuldhulpverlening",
            ),
        )
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await naar_rechten(journey, casus_id)
    await journey.check()
    await journey.press("Exporteren voor een interventie", role="link")
    await page.wait_for_url("**/export")
    await journey.check()
    await journey.select("doel", ExportDoel.CASUSOVERLEG.value.capitalize())
    await journey.select("interventie", "Traject schuldhulpverlening (werk en inkomen, gepland)")
    await journey.press("Export maken")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    assert "alleen worden geëxporteerd voor" in await page.locator("main").inner_text()
    await journey.select("doel", ExportDoel.UITVOERING_INTERVENTIE.value.capitalize())
    async with page.expect_download() as info:
        await journey.press("Export maken")
    download = await info.value
    assert download.suggested_filename.startswith("casus-export-")
