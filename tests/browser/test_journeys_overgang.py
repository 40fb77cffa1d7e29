"""Journey: a gemeente regie brings its convenant-era cases over and opens the figures.

From the werkruimte, with links and buttons only: download the example file, upload it,
review the dry run, confirm the import (a real worker reads it in), weigh one imported case
into a casus, then open the figures. Every page visited is checked with axe and for CSP
violations (``Journey.check``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from browserkit import Tab
from journeykit import Cast, Journey, make_cast
from seedkit import hub_uuid
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform import klok
from casushub.platform.identity.devidp import DevIdp
from casushub.platform.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
GEMEENTECODE = "9857"  # its own municipality, used by no other test


@pytest.fixture(scope="module")
async def cast(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    return await make_cast(
        admin_engine,
        settings,
        journey_idp.issuers["a"],
        await hub_uuid(admin_engine, hub),
        hub,
        gemeentecode=GEMEENTECODE,
    )


@pytest.fixture
async def journey(tab: Tab, cast: Cast) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


@pytest.fixture
def worker(settings: Settings) -> Iterator[None]:
    """A real `casushub worker` process on the PostgreSQL broker: the import job runs there."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "SECRET_KEY": settings.secret_key,
        "CASUSHUB_ENV": "test",
        "BROKER_URL": "",
        "WORKER_THREADS": "2",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log = (ARTIFACTS / f"browser-worker-overgang-{worker_id}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "casushub", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    yield
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()


async def test_regie_imports_the_example_file_weighs_a_case_and_opens_the_figures(
    journey: Journey, cast: Cast, worker: None, tmp_path: Path
) -> None:
    page = journey.page
    await journey.sign_in(cast.emails["gemeente_regie"])
    await journey.press("Werkruimte", role="link")
    await page.wait_for_url("**/werkruimte")
    await journey.check()
    await journey.press("Zaken uit het convenant inlezen", role="link")
    await page.wait_for_url("**/overgang#inlezen-titel")
    await journey.check()
    assert await page.locator("h1").inner_text() == "Overgangsvoorraad"

    # The example file, downloaded from the page, then uploaded for the dry run.
    async with page.expect_download() as download:
        await page.get_by_role("link", name="voorbeeldbestand (CSV)").click()
    bestand = tmp_path / "voorbeeld.csv"
    await (await download.value).save_as(bestand)
    assert GEMEENTECODE in bestand.read_text()
    await page.locator("#bestand").set_input_files(bestand)
    await journey.press("Bestand controleren")
    await page.wait_for_url(re.compile(r".*/overgang/imports/[0-9a-f-]+$"))
    await journey.check()
    assert (await page.locator("h1").inner_text()).startswith("Proefimport van")
    await page.get_by_text("Alle rijen zijn in orde.").wait_for()

    # Confirmed: the worker reads the cases in; the page shows its progress until done.
    await journey.press("2 zaken inlezen")
    await page.wait_for_url(re.compile(r".*/overgang/imports/[0-9a-f-]+$"))
    await page.locator(".job-voortgang").wait_for()
    await journey.check()
    # A deadline for a loaded machine (worker start), not a timing claim.
    await (
        page.locator(".job-voortgang__tekst")
        .get_by_text("2 zaken ingelezen")
        .wait_for(timeout=180_000)
    )
    await journey.check()
    await journey.press("Naar de te wegen zaken", role="link")
    await page.wait_for_url("**/overgang")
    await journey.check()
    await page.get_by_role("link", name="Wegen (Fictief Voorbeeld)").click()
    await page.wait_for_url("**/weging")
    await journey.check()

    # First without any assessment: the error summary, with the input kept.
    await journey.fill("redenering", "De criteria rechtvaardigen voortzetting onder de Wet.")
    await journey.press("Weging vaststellen")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    for org in ("gemeente", "politie", "om"):
        await journey.tick(f"aanwezig-{cast.organisations[org]}")
    for key in ("geweld", "denkbeelden", "sociale_relaties", "identificatie", "zelfredzaamheid"):
        await journey.select(f"{key}_beoordeling", "ernstige zorg")
        await journey.fill(f"{key}_toelichting", "Zie de geschiedenis onder het convenant.")
    await page.locator("#uitkomst-opname").check()
    await journey.press("Weging vaststellen")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await journey.check()
    assert await page.locator("h1").inner_text() == "Casus Fictief Voorbeeld"

    # The figures, from the werkruimte.
    await journey.press("Werkruimte", role="link")
    await page.wait_for_url("**/werkruimte")
    await journey.check()
    await page.get_by_role("link", name="Cijfers zonder persoonsgegevens van uw gemeente").click()
    await page.wait_for_url("**/cijfers")
    await journey.check()
    assert await page.locator("h1").inner_text() == "Cijfers van uw gemeente"
    assert await page.locator("svg.grafiek").count() >= 6
    await page.locator("#jaar").select_option(index=1)
    await journey.press("Toon")
    await page.wait_for_url(re.compile(r".*/cijfers\?jaar=\d{4}$"))
    await journey.check()


async def test_a_signal_that_does_not_fall_under_the_wet_is_closed_and_pointed_elsewhere(
    journey: Journey, cast: Cast
) -> None:
    """The signal form asks why it falls under the Wet; the weegploeg concludes it does not;
    the signal is closed and the page says where such concerns go instead."""
    page = journey.page
    naam = "Bram Buitenwet"
    await journey.sign_in(cast.emails["gemeente_regie"])
    await journey.press("Signaal inbrengen", role="link")
    await page.wait_for_url("**/casusoverleg/signalen/nieuw")
    await journey.check()
    await journey.fill("naam", naam)
    await journey.select("gemeente_van_verblijf", cast.tenant_name)
    await journey.fill("ontvangen_op", klok.vandaag().strftime("%d-%m-%Y"))
    await journey.fill("omschrijving", "Veroorzaakt overlast in de buurt.")
    # Without the reason: refused, the input kept.
    await journey.press("Signaal opslaan")
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    assert "Geef aan waarom dit signaal onder de Wet valt" in await page.inner_text("main")
    await journey.tick("aanleiding-radicalisering")
    await journey.fill("aanleiding_toelichting", "Een buurtbewoner vermoedt radicalisering.")
    await journey.press("Signaal opslaan")
    await page.wait_for_url("**/casusoverleg")
    await journey.check()
    await journey.press(naam, role="link")
    await page.wait_for_url("**/weging")
    await journey.check()
    for org in ("gemeente", "politie", "om"):
        await journey.tick(f"aanwezig-{cast.organisations[org]}")
    for key in ("geweld", "denkbeelden", "sociale_relaties", "identificatie", "zelfredzaamheid"):
        await journey.select(f"{key}_beoordeling", "geen zorg")
        await journey.fill(f"{key}_toelichting", "Geen aanwijzingen.")
    await journey.fill("redenering", "Het gaat om overlast, niet om radicalisering.")
    await journey.select("uitkomst", "valt niet onder deze wet")
    await journey.press("Weging vaststellen")
    await page.wait_for_url("**/grens-van-de-wet")
    await journey.check()
    assert await page.locator("h1").inner_text() == "Het signaal valt niet onder deze wet"
