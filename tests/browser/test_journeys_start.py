"""Journeys from the start page of the demo region, as the README's demo users, with links and
buttons only: no address is typed after the start page. Every page on the way gets axe and
the CSP check (journeykit.Journey)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demokit import demo_tab, demo_user, sign_in_demo
from journeykit import Journey
from sqlalchemy import select

from casushub.platform.database import create_admin_engine
from casushub.platform.identity.models import User

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


async def _user_id(demo: Any, email: str) -> str:
    engine = create_admin_engine(demo.settings)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(select(User.id).where(User.email == email))
    finally:
        await engine.dispose()
    assert found is not None, email
    return str(found)


async def test_fg_finds_who_saw_a_casus_by_its_name_with_the_keyboard_only(
    demo: Any, browser: Any
) -> None:
    # The gemeente's regie opens a casus from its werkruimte, so the log has a reader.
    async with demo_tab(browser, demo) as tab:
        regie = Journey(tab)
        await sign_in_demo(regie, demo_user("regie@oostdam.example", "gemeente_regie"))
        await tab.page.get_by_role("link", name="Lopende casussen").click()
        await tab.page.wait_for_url("**/casusoverleg#lijst-casussen")
        await regie.check()
        eerste = tab.page.locator("#casussen tbody a").first
        naam = (await eerste.inner_text()).strip()
        await eerste.click()
        await tab.page.wait_for_url("**/casusoverleg/casussen/**")
        await regie.check()
        assert regie.unchecked() == []
    lezer = await _user_id(demo, "regie@oostdam.example")

    # The FG, keyboard only: from the start page to the answer, finding the casus by name.
    async with demo_tab(browser, demo) as tab:
        fg = Journey(tab, keyboard=True)
        await sign_in_demo(fg, demo_user("fg@oostdam.example", "fg_auditor"))
        await fg.press("Wie heeft een casus gezien?", role="link")
        await tab.page.wait_for_url("**/fg#casus-titel")
        await fg.check()
        await fg.fill("casus-naam", naam.split()[-1])
        await tab.page.keyboard.press("Enter")
        await tab.page.wait_for_url("**/fg/casus?naam=**")
        await fg.check()
        await fg.press(f"Wie zag de casus van {naam}?", role="link")
        await tab.page.wait_for_url("**/fg/casus?casus=**")
        await fg.check()
        kijkers = await tab.page.locator("#kijkers-titel + div table tbody th").all_inner_texts()
        assert lezer in kijkers, kijkers
        assert fg.unchecked() == []


@pytest.fixture
def demo_worker(demo: Any) -> Iterator[None]:
    """A real `casushub worker` on the demo database (provisioning a municipality runs there)."""
    settings = demo.settings
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "DATA_DIR": str(settings.data_dir),
        "CASUSHUB_ENV": "test",
        "BROKER_URL": "",
        "WORKER_THREADS": "2",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "demo-worker.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "casushub", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def test_hub_admin_onboards_a_municipality_its_organisation_and_first_user(
    demo: Any, browser: Any, demo_worker: None
) -> None:
    naam, code, domein = "Gemeente Zuiderveen", "9904", "zuiderveen.example"
    async with demo_tab(browser, demo) as tab:
        page = tab.page
        beheer = Journey(tab)
        await sign_in_demo(beheer, demo_user("beheerder@zvh-noord.example", "hub_admin"))

        # The municipality, from the werkruimte's link; provisioning runs in the background.
        await beheer.press("Gemeente aanmelden", role="link")
        await page.wait_for_url("**/hub/gemeenten/nieuw")
        await beheer.check()
        for field, value in (
            ("naam", naam),
            ("gemeentecode", code),
            ("slug", "zuiderveen"),
            ("contactpunt_functie", "de burgemeester van Zuiderveen"),
            ("contactpunt_postadres", "Postbus 4, 9904 AA Zuiderveen"),
            ("contactpunt_email", f"contactpunt@{domein}"),
            ("verwerkersovereenkomst", f"DEMO-VO-{code}"),
            ("verwerkersovereenkomst_start", "01-07-2025"),
        ):
            await beheer.fill(field, value)
        await page.locator("#situatie").select_option("geen_convenant")
        await beheer.press("Gemeente aanmelden")
        # A deadline for a loaded machine (worker start + schema migrations), not a claim.
        await page.wait_for_url(re.compile(r".*/hub/gemeenten/[0-9a-f-]{36}$"), timeout=180_000)
        await beheer.check()
        assert await page.locator("h1").inner_text() == naam

        # Its own organisation, through the main navigation.
        await (
            page.get_by_role("navigation", name="Hoofdmenu")
            .get_by_role("link", name="Organisaties")
            .click()
        )
        await page.wait_for_url("**/hub/organisaties")
        await beheer.check()
        await beheer.press("Organisatie toevoegen", role="link")
        await page.wait_for_url("**/hub/organisaties/nieuw")
        await beheer.check()
        await beheer.fill("naam", naam)
        await beheer.fill("slug", "gemeente_zuiderveen")
        await beheer.select("type", "Gemeente")
        await beheer.fill("email_domeinen", domein)
        await beheer.press("Organisatie toevoegen")
        await page.wait_for_url(re.compile(r".*/hub/organisaties/[0-9a-f-]{36}$"))
        await beheer.check()

        # Its first user: the regie, invited for the new municipality.
        await (
            page.get_by_role("navigation", name="Hoofdmenu")
            .get_by_role("link", name="Gebruikers")
            .click()
        )
        await page.wait_for_url("**/hub/gebruikers")
        await beheer.check()
        await beheer.select("organisatie", naam)
        await beheer.fill("email", f"regie@{domein}")
        await beheer.select("rol", "gemeente (regie)")
        await page.get_by_label(naam, exact=True).check()
        await beheer.press("Uitnodigen")
        uitnodiging = page.locator("#gebruikers li", has_text=f"regie@{domein}")
        await uitnodiging.wait_for()
        await beheer.check()
        assert "gemeente (regie) (Gemeente Zuiderveen)" in await uitnodiging.inner_text()
        assert beheer.unchecked() == []


async def test_someone_with_two_roles_chooses_at_sign_in_and_switches_back_to_the_page(
    demo: Any, browser: Any
) -> None:
    """The demo regie of Oostdam is also its contactpunt: choose at sign-in, open the
    requests, switch role there and stay on the requests; a page the new role may not see
    sends the switch to the werkruimte, and a refusal offers the switch."""
    async with demo_tab(browser, demo) as tab:
        page = tab.page
        walk = Journey(tab)
        await sign_in_demo(walk, demo_user("regie@oostdam.example", "gemeente_regie"))
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        await menu.get_by_role("link", name="Verzoeken van betrokkenen").click()
        await page.wait_for_url("**/contactpunt-taken")
        await walk.check()
        await walk.press("Wissel van rol", role="link")
        await page.wait_for_url("**/auth/context?volgende=/contactpunt-taken")
        await walk.check()
        await page.get_by_label("contactpunt – Gemeente Oostdam", exact=True).check()
        await walk.press("Deze rol gebruiken")
        await page.wait_for_url("**/contactpunt-taken")
        await walk.check()
        assert "contactpunt – Gemeente Oostdam" in await page.locator("header").inner_text()
        # The contactpunt's menu has no casusoverleg; back as regie from its werkruimte.
        assert await menu.get_by_role("link", name="Casusoverleg").count() == 0
        await menu.get_by_role("link", name="Werkruimte").click()
        await page.wait_for_url("**/werkruimte")
        await walk.check()
        await walk.press("Wissel van rol", role="link")
        await page.wait_for_url("**/auth/context?volgende=/werkruimte")
        await walk.check()
        await page.get_by_label("gemeente (regie) – Gemeente Oostdam", exact=True).check()
        await walk.press("Deze rol gebruiken")
        await page.wait_for_url("**/werkruimte")
        await walk.check()
        assert await menu.get_by_role("link", name="Casusoverleg").count() == 1

        # Signing out ends on the start page, in Dutch: through the forwarding page (held once
        # to check it, as at sign-in) and the provider's own sign-out confirmation.
        async def stay(route: Any) -> None:
            await route.fulfill(status=204)

        def elsewhere(url: str) -> bool:
            return not url.startswith(tab.base_url)

        await page.route(elsewhere, stay)
        await walk.press("Uitloggen")
        await page.locator("#doorgaan").wait_for()
        await walk.check()
        await page.unroute(elsewhere, stay)
        await walk.press("Ga dan verder", role="link")
        await page.locator("button[type='submit']").first.click()
        await page.wait_for_url(re.compile(r".*/\?uitgelogd=ja$"), timeout=30_000)
        await walk.check()
        assert "U bent uitgelogd." in await page.locator("main").inner_text()
        assert walk.unchecked() == []


async def test_contactpunt_officer_reaches_the_queue_with_the_keyboard_only(
    demo: Any, browser: Any
) -> None:
    async with demo_tab(browser, demo) as tab:
        walk = Journey(tab, keyboard=True)
        await sign_in_demo(walk, demo_user("contactpunt@westwoude.example", "contactpunt"))
        # The count beside the link is part of its name: reach it by where it leads.
        await walk.tab_to("e => e.getAttribute('href') === '/contactpunt-taken'")
        await tab.page.keyboard.press("Enter")
        await tab.page.wait_for_url("**/contactpunt-taken")
        await walk.check()
        await walk.press("Verzoek registreren", role="link")
        await tab.page.wait_for_url("**/contactpunt-taken/nieuw")
        await walk.check()
        assert walk.unchecked() == []
