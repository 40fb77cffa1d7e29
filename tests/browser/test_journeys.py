"""One journey per role through its main task, in Chromium, signed in through the real
development identity provider. Every page a journey visits (and every page an htmx swap
changes) gets axe WCAG 2.1 A/AA with zero violations and no CSP violation (journeykit.Journey).
Two journeys also run with the keyboard only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from browserkit import Tab
from journeykit import Cast, Journey, make_cast
from seedkit import SYSTEEM, hub_uuid, weging_invoer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.models import User
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser

VANDAAG = date.today().strftime("%d-%m-%Y")


@pytest.fixture(scope="session")
async def cast(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    return await make_cast(
        admin_engine, settings, journey_idp.issuers["a"], await hub_uuid(admin_engine, hub), hub
    )


@pytest.fixture
async def journey(tab: Tab, cast: Cast) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def gemeente_journey(walk: Journey, cast: Cast, naam: str) -> None:
    """Gemeente (regie): register a signal, weigh it, take the person in as a casus."""
    page = walk.page
    await walk.sign_in(cast.emails["gemeente_regie"])
    await walk.goto("/casusoverleg")
    await walk.press("Signaal inbrengen", role="link")
    await page.wait_for_url("**/casusoverleg/signalen/nieuw")
    await walk.check()
    # First without the required fields: the error summary, itself checked.
    await walk.press("Signaal opslaan")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    await walk.fill("naam", naam)
    await walk.fill("gemeente_van_verblijf", "9850")
    await walk.fill("ontvangen_op", VANDAAG)
    await walk.fill("omschrijving", "Deelt oproepen tot geweld in een besloten groep.")
    await walk.press("Signaal opslaan")
    await page.wait_for_url("**/casusoverleg")
    await walk.check()
    await walk.press(naam, role="link")
    await page.wait_for_url("**/weging")
    await walk.check()
    assert await page.locator("h1").inner_text() == "Weging van het signaal"
    for org in ("gemeente", "politie", "om"):
        await walk.tick(f"aanwezig-{cast.organisations[org]}")
    for key in ("geweld", "denkbeelden", "sociale_relaties", "identificatie", "zelfredzaamheid"):
        await walk.select(f"{key}_beoordeling", "ernstige zorg")
        await walk.fill(f"{key}_toelichting", "Zie het signaal.")
    await walk.fill("redenering", "De weegploeg ziet een reëel risico.")
    await walk.select("uitkomst", "opname in casusoverleg")
    await walk.press("Weging vaststellen")
    await page.wait_for_url("**/opname")
    await walk.check()
    await walk.press("Casus aanmaken")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()
    assert await page.locator("h1").inner_text() == f"Casus {naam}"


async def test_gemeente_registers_a_signal_and_completes_a_weging(
    journey: Journey, cast: Cast
) -> None:
    await gemeente_journey(journey, cast, "Gerrit Gemeentereis")


async def test_gemeente_journey_with_the_keyboard_only(tab: Tab, cast: Cast) -> None:
    walk = Journey(tab, keyboard=True)
    await gemeente_journey(walk, cast, "Karel Toetsenbord")
    assert walk.unchecked() == []


async def fg_journey(walk: Journey, cast: Cast, casus_id: str, reader: str) -> None:
    """FG: who saw this casus? The answer names (by id) the gemeente's user who opened it,
    and one step further shows what else that user saw."""
    page = walk.page
    await walk.sign_in(cast.emails["fg_auditor"])
    await walk.goto("/fg")
    await walk.fill("casus", casus_id)
    await walk.press("Zoek verwerkingen van deze casus")
    await page.wait_for_url("**/fg/casus?**")
    await walk.check()
    kijkers = page.locator("table tbody th")
    assert reader in await kijkers.all_inner_texts()
    await walk.press(reader, role="link")
    await page.wait_for_url(f"**/fg/gebruiker?gebruiker={reader}")
    await walk.check()
    assert casus_id in await page.locator("main").inner_text()


async def user_id(admin_engine: AsyncEngine, email: str) -> str:
    async with admin_engine.connect() as conn:
        found = await conn.scalar(select(User.id).where(User.email == email))
    assert found is not None, email
    return str(found)


async def seeded_casus(app_engine: AsyncEngine, settings: Settings, cast: Cast, naam: str) -> str:
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, "9850", "zorgen", cast.organisations["politie"], date.today()),
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente="9850",
            intake_datum=date.today(),
            deelnemers=[Deelnemer(cast.organisations["politie"], "politie")],
        )
        await voeg_item_toe(
            s,
            SYSTEEM,
            casus_id=casus.id,
            tekst="Volgt een opleiding.",
            bron_organisatie_id=cast.organisations["politie"],
            datum=date.today(),
            categorie="gewoon",
        )
    return str(casus.id)


async def test_fg_looks_up_who_saw_a_casus(
    journey: Journey,
    tab: Tab,
    cast: Cast,
    app_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    settings: Settings,
) -> None:
    casus_id = await seeded_casus(app_engine, settings, cast, "Fenna Fg")
    # The gemeente opens the casus (so the log has a reader), then the FG looks it up.
    await journey.sign_in(cast.emails["gemeente_regie"])
    await journey.goto(f"/casusoverleg/casussen/{casus_id}")
    await tab.page.context.clear_cookies()
    reader = await user_id(admin_engine, cast.emails["gemeente_regie"])
    await fg_journey(journey, cast, casus_id, reader)


async def test_fg_journey_with_the_keyboard_only(
    tab: Tab, cast: Cast, app_engine: AsyncEngine, admin_engine: AsyncEngine, settings: Settings
) -> None:
    casus_id = await seeded_casus(app_engine, settings, cast, "Kees Toets")
    walk = Journey(tab, keyboard=True)
    await walk.sign_in(cast.emails["gemeente_regie"])
    await walk.goto(f"/casusoverleg/casussen/{casus_id}")
    await tab.page.context.clear_cookies()
    reader = await user_id(admin_engine, cast.emails["gemeente_regie"])
    await fg_journey(walk, cast, casus_id, reader)
    assert walk.unchecked() == []
