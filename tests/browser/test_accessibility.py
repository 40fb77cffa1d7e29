"""axe-core with the WCAG 2.1 A/AA rule set on every page, plus reflow at 320 px and 200 % zoom.

No axe rule is disabled.
"""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import WCAG_TAGS, PageSpec, Tab

pytestmark = pytest.mark.browser


async def axe_violations(tab: Tab) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(tab.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    ]


async def test_page_has_no_wcag_violations(tab: Tab, page_spec: PageSpec) -> None:
    await tab.goto(page_spec.path, page_spec.status)
    assert (await tab.page.locator("h1").inner_text()).strip().startswith(page_spec.heading)
    assert await axe_violations(tab) == []


async def test_form_with_errors_has_no_wcag_violations(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    await tab.page.get_by_role("button", name="Opslaan").click()
    await tab.page.locator("#foutoverzicht").wait_for()
    assert await tab.page.locator("[aria-invalid='true']").count() == 3
    assert await axe_violations(tab) == []


async def test_open_confirmation_dialog_has_no_wcag_violations(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    await tab.page.get_by_role("button", name="Voorbeeld verwijderen").click()
    await tab.page.get_by_role("dialog", name="Voorbeeld verwijderen?").wait_for()
    assert await axe_violations(tab) == []


async def test_page_reflows_at_320px_and_200pct_zoom(tab: Tab, page_spec: PageSpec) -> None:
    # 320 px: WCAG 1.4.10 reflow (1280 px at 400 % zoom); 640 px: 1280 px at 200 % (1.4.4).
    for width in (320, 640):
        await tab.page.set_viewport_size({"width": width, "height": 800})
        await tab.goto(page_spec.path, page_spec.status)
        overflow = await tab.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page_spec.path} is {overflow}px wider than a {width}px screen"
        # Nothing may be cut off either: every element ends inside the viewport, except
        # content inside a region that scrolls on its own (wide tables) and text that is
        # visually hidden on purpose (for screen readers).
        clipped = await tab.page.evaluate(
            """(width) => [...document.querySelectorAll('main *, header *, footer *, nav *')]
                 .filter(e => !e.closest('.table-region, .visually-hidden')
                              && e.getClientRects().length
                              && e.getBoundingClientRect().right > width + 1)
                 .map(e => e.tagName + '.' + e.className)""",
            width,
        )
        assert clipped == [], f"cut off at {width}px"
