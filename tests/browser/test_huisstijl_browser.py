"""The hub's house style in Chromium: set through the screen (file upload included), then the
header shows the logo and the colour, from a linked stylesheet, with zero axe violations and
no CSP violation. The stored style is removed afterwards: other browser tests expect none.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from browserkit import Tab
from journeykit import axe_violations
from PIL import Image
from seedkit import Seeds
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.huisstijl import HubHuisstijl
from casushub.web.app import SESSION_COOKIE

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 40), (92, 10, 99)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
async def admin_tab(
    tab: Tab, session_cookies: dict[str, str], seeds: Seeds, admin_engine: AsyncEngine
) -> AsyncIterator[Tab]:
    await tab.page.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": session_cookies["hub_admin"], "url": tab.base_url}]
    )
    yield tab
    async with admin_engine.begin() as conn:
        await conn.execute(delete(HubHuisstijl).where(HubHuisstijl.hub_id == seeds.hub))


async def test_admin_sets_house_style_and_header_shows_it(admin_tab: Tab) -> None:
    tab, page = admin_tab, admin_tab.page
    await tab.goto("/hub/huisstijl")
    await page.get_by_label("Naam in de kop").fill("ZVH Browserregio")
    await page.get_by_label("Hoofdkleur").fill("#ffcc00")
    await page.get_by_label("Logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _png()}
    )
    await page.get_by_role("button", name="Huisstijl opslaan").click()
    summary = page.locator("#foutoverzicht")
    await summary.wait_for()
    assert "te weinig contrast met wit" in await summary.inner_text()
    assert await axe_violations(tab) == []

    await page.get_by_label("Hoofdkleur").fill("#5c0a63")
    await page.get_by_label("Logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _png()}
    )
    await page.get_by_role("button", name="Huisstijl opslaan").click()
    await page.get_by_text("De huisstijl is opgeslagen.").wait_for()
    # The text can show before the logo has arrived: wait for the page's load event and for
    # the image itself, then check that it decoded (a broken image has naturalWidth 0).
    await tab.settled()
    logo = page.locator(".site-header img[alt='ZVH Browserregio']")
    await logo.wait_for()
    await page.wait_for_function(
        "() => document.querySelector(\".site-header img[alt='ZVH Browserregio']\").complete"
    )
    assert await logo.evaluate("img => img.naturalWidth") == 160
    background = await page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(92, 10, 99)"
    assert await tab.csp_violations() == []
    assert await axe_violations(tab) == []
