"""An over-long value that gets past the browser's maxlength is refused at the edge with a page
that keeps the whole submission: the person shortens it and sends it on, nothing retyped."""

from __future__ import annotations

import pytest
from browserkit import Tab
from test_accessibility import axe_violations

pytestmark = pytest.mark.browser


async def test_too_long_value_is_kept_shortened_and_sent_again(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    naam = tab.page.locator("#naam")
    assert await naam.get_attribute("maxlength") == "200"
    # A client without the browser's check (or an old page) sends 250 characters.
    await naam.evaluate("el => el.removeAttribute('maxlength')")
    await naam.fill("N" * 250)
    await tab.page.locator("#code").fill("0363")
    await tab.page.get_by_role("button", name="Opslaan").click()
    await tab.page.get_by_role("heading", name="De invoer is te lang").wait_for()
    veld = tab.page.locator("#te-lang-naam")
    assert await veld.input_value() == "N" * 250
    assert (
        "mag maximaal 200 tekens bevatten" in await tab.page.locator("#foutoverzicht").inner_text()
    )
    assert await axe_violations(tab) == []
    await veld.fill("Gemeente Oostdam")
    await tab.page.get_by_role("button", name="Opnieuw versturen").click()
    # Back at the form's own answer, with the other field as it was typed.
    await tab.page.get_by_role("heading", name="Patronen").wait_for()
    assert await tab.page.locator("#naam").input_value() == "Gemeente Oostdam"
    assert await tab.page.locator("#code").input_value() == "0363"
