"""Keyboard only: Tab, Shift+Tab, Enter, Space and Escape; no mouse, no element.focus()."""

from __future__ import annotations

import pytest
from browserkit import PageSpec, Tab

pytestmark = pytest.mark.browser

# What a focused element looks like to the checks: enough to name it in a failure message.
DESCRIBE = """e => ({
  tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'),
  text: (e.innerText || e.value || '').trim().slice(0, 40),
  footer: !!e.closest('footer'),
  visible: e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden',
  indicator: getComputedStyle(e).outlineStyle !== 'none'
             || getComputedStyle(e).boxShadow !== 'none'
             // The calendar button of a date input has focus inside the input's shadow
             // tree: the input no longer matches :focus-visible, the button draws its ring
             // (app.css styles ::-webkit-calendar-picker-indicator:focus-visible).
             || (/^(date|time|datetime-local|month|week)$/.test(e.type)
                 && !e.matches(':focus-visible'))
})"""


async def tab_until(tab: Tab, predicate: str, limit: int = 80) -> list[dict[str, object]]:
    """Press Tab until `predicate(activeElement)` holds; returns every element passed."""
    seen: list[dict[str, object]] = []
    for _ in range(limit):
        await tab.page.keyboard.press("Tab")
        seen.append(await tab.active(DESCRIBE))
        if await tab.active(predicate):
            return seen
    raise AssertionError(f"not reached with {limit} Tab presses; focus went: {seen}")


async def test_skip_link_is_first_and_moves_focus_to_main(tab: Tab, page_spec: PageSpec) -> None:
    await tab.goto(page_spec.path, page_spec.status)
    if await tab.active("e => e.matches('[data-error-summary]')"):
        # A page that came back with errors starts at its error summary (app.js, the GOV.UK
        # pattern): going back from there, the skip link is still the first stop.
        for _ in range(30):
            await tab.page.keyboard.press("Shift+Tab")
            if await tab.active("e => e.classList.contains('utrecht-skip-link')"):
                break
    else:
        await tab.page.keyboard.press("Tab")
    first = await tab.active(DESCRIBE)
    assert first["text"] == "Direct naar de inhoud"
    assert first["visible"]
    assert first["indicator"]
    box = await tab.page.locator(".utrecht-skip-link").bounding_box()
    assert box is not None
    assert box["y"] >= 0  # shown on screen while focused
    await tab.page.keyboard.press("Enter")
    assert await tab.active("e => e.id") == "inhoud"
    # The next Tab continues inside the content, not back at the header.
    await tab.page.keyboard.press("Tab")
    assert await tab.active("e => !!e.closest('main, footer')")


async def test_tab_order_reaches_the_footer_with_visible_focus(
    tab: Tab, page_spec: PageSpec
) -> None:
    await tab.goto(page_spec.path, page_spec.status)
    # A list page has a stop per row and the browser tests' world grows as they run (the hub's
    # users page passed 80 stops in the full suite): the limit only ends a wandering focus.
    seen = await tab_until(
        tab, "e => e.getAttribute('href') === '/privacy' && !!e.closest('footer')", limit=400
    )
    footer = [stop["href"] for stop in seen if stop["footer"]]
    assert footer == ["/toegankelijkheid", "/privacy"]
    invisible = [stop for stop in seen if not (stop["visible"] and stop["indicator"])]
    assert invisible == [], f"no visible focus indicator on: {invisible}"


async def test_sort_table_with_the_keyboard(tab: Tab) -> None:
    from playwright.async_api import expect

    await tab.goto("/ontwikkeling/patronen")
    await tab_until(tab, "e => e.id === 'gemeenten-sorteer-casussen'")
    await tab.page.keyboard.press("Enter")
    await tab.page.locator("th[aria-sort='ascending'] #gemeenten-sorteer-casussen").wait_for()
    # Focus stays on the header the user pressed, and the new order is announced.
    assert await tab.active("e => e.id") == "gemeenten-sorteer-casussen"
    await expect(tab.page.locator("#meldingen")).to_contain_text(
        "gesorteerd op Open casussen, oplopend"
    )
    assert "sorteer=casussen" in tab.page.url  # the sorted view is a real, shareable URL
    first = tab.page.locator("#gemeenten tbody tr:first-child th")
    assert await first.inner_text() == "Noordhaven"  # 0 open casussen
    await tab.page.keyboard.press("Enter")
    await tab.page.locator("th[aria-sort='descending']").wait_for()
    assert await first.inner_text() == "Westwoude"  # 11 open casussen
    # Nothing of the page went into browser storage (htmx history cache is off).
    stored = await tab.page.evaluate(
        "Object.keys(sessionStorage).concat(Object.keys(localStorage))"
    )
    assert "htmx-history-cache" not in stored


async def test_form_errors_with_the_keyboard(tab: Tab) -> None:
    from playwright.async_api import expect

    await tab.goto("/ontwikkeling/patronen")
    await tab_until(tab, "e => e.tagName === 'BUTTON' && e.innerText.trim() === 'Opslaan'")
    await tab.page.keyboard.press("Enter")
    # The error summary gets focus (app.js, once the page's script has run: expect retries)
    # and names every problem; each links to its field.
    await expect(tab.page.locator("#foutoverzicht")).to_be_focused()
    links = tab.page.locator("#foutoverzicht a")
    assert await links.count() == 3
    await tab.page.keyboard.press("Tab")
    assert await tab.active("e => e.getAttribute('href')") == "#naam"
    await tab.page.keyboard.press("Enter")
    assert await tab.active("e => e.id") == "naam"
    # The field says what is wrong, tied to it for screen readers.
    described = await tab.active("e => e.getAttribute('aria-describedby')")
    assert "naam-fout" in described
    await tab.page.keyboard.type("Gemeente Oostdam")
    await tab.page.keyboard.press("Tab")
    await tab.page.keyboard.type("0363")
    await tab.page.keyboard.press("Tab")
    await tab.page.keyboard.press("ArrowDown")  # a closed <select> changes with the arrows
    await tab_until(tab, "e => e.tagName === 'BUTTON' && e.innerText.trim() === 'Opslaan'")
    await tab.page.keyboard.press("Enter")
    # Saved over htmx (so the CSRF header from app.js was accepted) and announced.
    await expect(tab.page.locator("#meldingen")).to_have_text("Organisatie opgeslagen")
    assert await tab.active("e => e.id") == "voorbeeldformulier"
    assert await tab.page.locator("#foutoverzicht").count() == 0


async def test_confirmation_dialog_with_the_keyboard(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    trigger = "e => e.innerText && e.innerText.trim() === 'Voorbeeld verwijderen'"
    await tab_until(tab, trigger)
    dialog = tab.page.get_by_role("dialog", name="Voorbeeld verwijderen?")
    # Space opens it with focus on the safe choice; Escape closes it and focus returns.
    await tab.page.keyboard.press("Space")
    await dialog.wait_for()
    assert await tab.active("e => e.innerText.trim()") == "Annuleren"
    await tab.page.keyboard.press("Escape")
    await dialog.wait_for(state="hidden")
    assert await tab.active(trigger)
    # Enter opens it too; Shift+Tab reaches the confirm button; Enter confirms.
    await tab.page.keyboard.press("Enter")
    await dialog.wait_for()
    await tab.page.keyboard.press("Shift+Tab")
    assert await tab.active("e => e.innerText.trim()") == "Ja, verwijderen"
    await tab.page.keyboard.press("Enter")
    await tab.page.wait_for_url("**/ontwikkeling/patronen?verwijderd=true")
    assert "Het voorbeeld is verwijderd." in await tab.page.locator("main").inner_text()
