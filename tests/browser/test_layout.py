"""Layout promises that axe does not check: print stylesheet, theming hook, history cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browserkit import Tab

from casushub.platform.theming import hub_stylesheet

if TYPE_CHECKING:
    from playwright.async_api import Route

pytestmark = pytest.mark.browser


async def test_print_shows_only_the_content(tab: Tab) -> None:
    await tab.goto("/ontwikkeling/patronen")
    await tab.page.emulate_media(media="print")
    for hidden in (
        ".site-header",
        ".site-nav",
        ".site-footer",
        ".utrecht-breadcrumb-nav",
        "button",
    ):
        assert not await tab.page.locator(hidden).first.is_visible(), hidden
    assert await tab.page.locator("main h1").is_visible()
    assert await tab.page.locator("#gemeenten table").is_visible()
    await tab.page.emulate_media(media="screen")
    assert await tab.page.locator(".site-header").is_visible()


async def test_hub_stylesheet_restyles_header_navigation_and_buttons(tab: Tab) -> None:
    """The theming hook: a generated stylesheet (never an inline style) sets the primary."""

    async def serve(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/css", body=hub_stylesheet("#5c0a63"))

    await tab.page.route("**/thema/test.css", serve)
    await tab.goto("/ontwikkeling/patronen")
    await tab.page.evaluate(
        """() => new Promise((done) => {
             const link = Object.assign(document.createElement('link'),
                                        {rel: 'stylesheet', href: '/thema/test.css'});
             link.onload = done;
             document.head.append(link);
           })"""
    )
    colours = await tab.page.evaluate(
        """() => [
             getComputedStyle(document.querySelector('.site-header')).backgroundColor,
             getComputedStyle(document.querySelector('.site-nav a')).color,
             getComputedStyle(document.querySelector('.utrecht-button--primary-action')).backgroundColor,
           ]"""
    )
    assert colours == ["rgb(92, 10, 99)"] * 3
    assert await tab.csp_violations() == []


async def test_every_page_is_kept_out_of_the_htmx_history_cache(tab: Tab) -> None:
    await tab.goto("/")
    assert await tab.page.get_attribute("body", "hx-history") == "false"
    config = await tab.page.evaluate("htmx.config.historyCacheSize")
    assert config == 0
