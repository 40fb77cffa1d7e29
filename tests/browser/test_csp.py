"""Every page loads with the strict CSP enforced and the browser reports no violation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browserkit import PageSpec, Tab

from casushub.web.middleware import CONTENT_SECURITY_POLICY

if TYPE_CHECKING:
    from playwright.async_api import Route

pytestmark = pytest.mark.browser


# Known gap, reported to the coordinator: Litestar runs app-level middleware only for matched
# routes, so the 404 for an unknown path leaves without the security headers. Strict xfail:
# when the headers arrive there, this test fails until the entry is removed.
MISSING_HEADERS: dict[str, str] = {}


async def enforce_csp(route: Route) -> None:
    """Serve every document with our CSP, whatever the server sent, so the browser enforces
    exactly the production policy on every page."""
    if route.request.resource_type != "document":
        await route.continue_()
        return
    response = await route.fetch()
    headers = {**response.headers, "content-security-policy": CONTENT_SECURITY_POLICY}
    await route.fulfill(response=response, headers=headers)


async def test_page_causes_no_csp_violation(tab: Tab, page_spec: PageSpec) -> None:
    await tab.page.route("**/*", enforce_csp)
    await tab.goto(page_spec.path, page_spec.status)
    # htmx and app.js really ran (a blocked script would leave htmx undefined).
    assert await tab.page.evaluate("typeof window.htmx === 'object'")
    assert await tab.csp_violations() == []
    expected = f"status of {page_spec.status}"  # the browser logs the 4xx of an error page
    errors = [line for line in tab.console if line.startswith(("error", "pageerror"))]
    assert [line for line in errors if expected not in line] == []


async def test_server_sends_the_csp(
    tab: Tab, page_spec: PageSpec, request: pytest.FixtureRequest
) -> None:
    if page_spec.path in MISSING_HEADERS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=MISSING_HEADERS[page_spec.path]))
    response = await tab.goto(page_spec.path, page_spec.status)
    csp = await response.header_value("content-security-policy")
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp


async def test_htmx_swaps_cause_no_csp_violation(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    await tab.page.get_by_role("link", name="Gemeente (sorteer oplopend)").click()
    await tab.page.locator("th[aria-sort='ascending']").wait_for()
    await tab.page.get_by_role("button", name="Opslaan").click()
    await tab.page.locator("#foutoverzicht").wait_for()
    await tab.page.get_by_role("button", name="Voorbeeld verwijderen").click()
    await tab.page.get_by_role("button", name="Annuleren").click()
    assert await tab.csp_violations() == []


async def test_the_check_sees_a_violation(tab: Tab) -> None:
    """The detector itself: a page with an inline style and script under our CSP is caught."""

    async def serve(route: Route) -> None:
        await route.fulfill(
            status=200,
            headers={
                "content-type": "text/html",
                "content-security-policy": CONTENT_SECURITY_POLICY,
            },
            body='<!doctype html><html lang="nl"><title>x</title>'
            '<p style="color:red">x</p><script>document.title = "y"</script></html>',
        )

    await tab.page.route("**/csp-kanarie", serve)
    await tab.goto("/csp-kanarie")
    violations = await tab.csp_violations()
    assert any("style-src" in v for v in violations)
    assert any("script-src" in v for v in violations)
    assert await tab.page.title() == "x"  # the inline script really was blocked
