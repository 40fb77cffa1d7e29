"""Screenshots of the main screens at 1280 px and 320 px in test-artifacts/, for people to
look at (do they read like a Dutch government service?), with the layout checks a screenshot
cannot make by eye: no horizontal scrolling, and every checkbox or radio button right beside
its label."""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import Tab

from casushub.web.app import SESSION_COOKIE

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schermen"

SCHERMEN = [
    ("start", "/", None),
    ("werkruimte-regie", "/werkruimte", "gemeente_regie"),
    ("werkruimte-hubbeheer", "/werkruimte", "hub_admin"),
    ("rol-kiezen", "/auth/context", "gemeente_regie"),
    ("weging", "/casusoverleg/signalen/{signaal}/weging", "gemeente_regie"),
    ("casus", "/casusoverleg/casussen/{casus}", "gemeente_regie"),
    ("bijeenkomst", "/casusoverleg/bijeenkomsten/{bijeenkomst}", "gemeente_regie"),
    ("gebruikers", "/hub/gebruikers", "hub_admin"),
    ("contactpunt-publiek", "/contactpunt/alfa", None),
]


@pytest.mark.parametrize(("naam", "pad", "rol"), SCHERMEN, ids=[s[0] for s in SCHERMEN])
async def test_screens_at_desktop_and_phone_width(
    tab: Tab, session_cookies: dict[str, str], naam: str, pad: str, rol: str | None
) -> None:
    page = tab.page
    if rol:
        cookie = {"name": SESSION_COOKIE, "value": session_cookies[rol], "url": tab.base_url}
        await page.context.add_cookies([cookie])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for breedte in (1280, 320):
        await page.set_viewport_size({"width": breedte, "height": 900})
        await tab.goto(pad)
        await page.screenshot(path=str(ARTIFACTS / f"{naam}-{breedte}.png"), full_page=True)
        breder = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert breder <= 0, f"{pad} scrolls sideways at {breedte} px ({breder} px)"
        # A checkbox or radio button and its label: on one line, the label right after it.
        afstanden = await page.evaluate(
            """() => [...document.querySelectorAll(
                    '.utrecht-form-field--checkbox > input, .utrecht-form-field--radio > input')]
                .map(input => {
                    const label = document.querySelector(`label[for="${input.id}"]`);
                    const a = input.getBoundingClientRect(), b = label.getBoundingClientRect();
                    return [input.id, b.left - a.right, Math.abs(b.top - a.top)];
                })"""
        )
        for veld, gat, verschoven in afstanden:
            assert 0 <= gat <= 24, f"{pad}: label of {veld} is {gat} px from its box"
            assert verschoven <= 12, f"{pad}: label of {veld} is {verschoven} px lower"
