"""Shared pieces of the browser tests (imported by name: a bare ``conftest`` import would pick
whichever conftest module happened to load first)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CSP_LISTENER", "WCAG_TAGS", "PageSpec", "Tab"]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class PageSpec:
    """A page to check: where it is (``{casus}`` etc.: a seeded id, see seedkit.py), how its
    <h1> starts (seeded names end in a random suffix), its HTTP status, and the role of the
    user who visits it (tenant roles in "alfa", see seedkit.sign_in_role); None means not
    signed in."""

    path: str
    heading: str
    status: int = 200
    role: str | None = None

    def __str__(self) -> str:
        return self.path


# Registered before any page script runs (Playwright injects it through the DevTools
# protocol, outside the page's CSP), so no violation can slip past.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""
_CSP_CONSOLE = re.compile(r"Content Security Policy|Refused to (load|execute|apply|connect)", re.I)


@dataclass
class Tab:
    """A browser page with everything it said on the console."""

    page: Any
    base_url: str
    console: list[str] = field(default_factory=list)
    # Seeded object ids filled into paths such as "/casusoverleg/casussen/{casus}".
    ids: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + (path.format(**self.ids) if "{" in path else path)

    async def goto(self, path: str, status: int = 200) -> Any:
        response = await self.page.goto(self.url(path), wait_until="load")
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        await self.settled()
        return response

    async def settled(self) -> None:
        """Wait until the regions a page fills after loading (hx-trigger="load") are filled:
        the checks must see the whole page, not its placeholders."""
        # Stylesheets first: a check right after a click (the sign-in forwarding page) could
        # run axe on a page whose CSS had only partly applied, and report false contrasts.
        await self.page.wait_for_load_state("load")
        # A locator, not wait_for_function: that one evaluates a string, which our CSP blocks.
        busy = self.page.locator('[hx-trigger~="load"][aria-busy="true"]')
        await busy.first.wait_for(state="detached")

    async def csp_violations(self) -> list[str]:
        from_events: list[str] = await self.page.evaluate("window.__cspViolations || []")
        return [line for line in self.console if _CSP_CONSOLE.search(line)] + from_events

    async def active(self, script: str = "e => e") -> Any:
        """Evaluate `script` on document.activeElement (the element with keyboard focus)."""
        return await self.page.evaluate(f"({script})(document.activeElement)")
