"""Journeys for holds, retention and moves, in Chromium, signed in through the development
identity provider: a legal hold set and lifted with the retention dry run showing the
difference. Every visited page gets axe and the CSP check (journeykit.Journey)."""

from __future__ import annotations

import re
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
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verzoeken.rules import BEPERKING_GRONDEN
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser

CODE = "9873"


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
    await journey.goto(f"/casusoverleg/casussen/{casus_id}")
    await page.locator("#bewaarplicht-status").wait_for()
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

    # The casus page shows the hold.
    await journey.press("Terug naar de casus Berend Bewaar", role="link")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await page.locator("#bewaarplicht-status").wait_for()
    await journey.check()
    assert "rechtszaak" in await page.locator("#bewaarplicht-status").inner_text()

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
    await journey.goto(f"/casusoverleg/casussen/{casus_id}")
    await page.locator("#bewaarplicht-status").wait_for()
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
    await journey.goto(f"/casusoverleg/casussen/{casus_id}")
    await page.locator("#bewaarplicht-status").wait_for()
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
