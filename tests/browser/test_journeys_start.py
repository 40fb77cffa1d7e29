"""Journeys from the start page of the demo region, as the README's demo users, with links and
buttons only: no address is typed after the start page. Every page on the way gets axe and
the CSP check (journeykit.Journey)."""

from __future__ import annotations

from typing import Any

import pytest
from demokit import demo_tab, demo_user, sign_in_demo
from journeykit import Journey
from sqlalchemy import select

from casushub.platform.database import create_admin_engine
from casushub.platform.identity.models import User

pytestmark = pytest.mark.browser


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
