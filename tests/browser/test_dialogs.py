"""The real confirmation dialogs, checked by axe while they are open, and the confirmation
page of switching an organisation off.

Every ``confirm_dialog(...)`` in the templates is listed in DIALOGS with the page that shows
it; a dialog added to a template without an entry fails test_every_dialog_is_checked.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from browserkit import Tab
from journeykit import axe_violations
from seedkit import Seeds
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.lifecycle import schort_op
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.web.app import SESSION_COOKIE

pytestmark = pytest.mark.browser

TEMPLATES = Path(__file__).resolve().parents[2] / "casushub" / "web" / "templates"
# Dialog id -> (page that shows it, the role that sees it there). "{geschorst}" is a
# suspended municipality made by the fixture below ("hervatten" shows only for one).
DIALOGS: dict[str, tuple[str, str | None]] = {
    "verwijder-voorbeeld": ("/ontwikkeling/patronen", None),
    "opschorten": ("/hub/gemeenten/{tenant}", "hub_admin"),
    "beeindigen": ("/hub/gemeenten/{tenant}", "hub_admin"),
    "hervatten": ("/hub/gemeenten/{geschorst}", "hub_admin"),
    # One per invitation ("intrekken-<id>"): the seeded casus's invitation of the invited party.
    "intrekken-": ("/casusoverleg/casussen/{casus}/bijeenkomsten", "gemeente_regie"),
}


def test_every_dialog_is_checked() -> None:
    found = {
        match
        for template in TEMPLATES.rglob("*.html")
        if template.name != "dialog.html"
        for match in re.findall(r'confirm_dialog\(\s*"([^"]+)"', template.read_text())
    }
    assert found == set(DIALOGS), f"add to DIALOGS: {found - set(DIALOGS)}"


@pytest.fixture(scope="session")
async def geschorst(admin_engine: AsyncEngine, settings: Settings, hub: str) -> str:
    """A municipality of the test hub that is suspended (its page offers "Hervatten")."""
    suffix = secrets.token_hex(3)
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"geschorst_{suffix}",
        name=f"Gemeente Geschorst {suffix}",
        gemeentecode="9851",
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await schort_op(conn, tenant.id)
    return str(tenant.id)


async def _as(tab: Tab, session_cookies: dict[str, str], role: str | None) -> None:
    if role is not None:
        await tab.page.context.add_cookies(
            [{"name": SESSION_COOKIE, "value": session_cookies[role], "url": tab.base_url}]
        )


@pytest.fixture
async def dialog_tab(
    tab: Tab, session_cookies: dict[str, str], seeds: Seeds, geschorst: str
) -> Tab:
    tab.ids["geschorst"] = geschorst
    return tab


@pytest.mark.parametrize("dialog", sorted(DIALOGS))
async def test_open_dialog_has_no_wcag_violations(
    dialog_tab: Tab, session_cookies: dict[str, str], dialog: str
) -> None:
    tab, page = dialog_tab, dialog_tab.page
    path, role = DIALOGS[dialog]
    await _as(tab, session_cookies, role)
    await tab.goto(path)
    # A dialog id ending in "-" stands for one per row: the first one is checked.
    exact = "^=" if dialog.endswith("-") else "="
    await page.locator(f'[data-dialog-open{exact}"{dialog}"]').first.click()
    opened = page.locator(f'dialog[id{exact}"{dialog}"]').first
    await opened.wait_for(state="visible")
    assert await opened.evaluate("d => d.open")
    # The safe choice has the focus; axe sees the page with the modal dialog open.
    assert await tab.active("e => e.textContent.trim()") == "Annuleren"
    assert await axe_violations(tab) == []
    await page.keyboard.press("Escape")
    await opened.wait_for(state="hidden")


async def test_switching_an_organisation_off_is_confirmed_on_its_own_page(
    tab: Tab, session_cookies: dict[str, str], seeds: Seeds
) -> None:
    """Unticking "Actief" shows what will end first; cancelling changes nothing."""
    page = tab.page
    await _as(tab, session_cookies, "hub_admin")
    await tab.goto("/hub/organisaties/{politie}")
    await page.get_by_label(re.compile("^Actief")).uncheck()
    await page.get_by_role("button", name="Opslaan", exact=True).click()
    await page.get_by_role("heading", name=re.compile("uitschakelen\\?$")).wait_for()
    await tab.settled()
    gevolgen = await page.locator("#gevolgen").inner_text()
    assert "sessie" in gevolgen
    assert "gebruiker" in gevolgen
    assert await axe_violations(tab) == []
    assert await tab.csp_violations() == []
    await page.get_by_role("link", name="Annuleren").click()
    await page.get_by_role("heading", name=re.compile("^Politie Eenheid")).wait_for()
    assert await page.get_by_label(re.compile("^Actief")).is_checked()
