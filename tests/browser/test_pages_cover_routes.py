"""``PAGES`` (conftest.py) covers every page: each GET route that answers a person with an
HTML page is checked there (axe, CSP, keyboard, reflow), or is named below with the reason it
is not a page of its own. Needs no browser: it reads the app's route table.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar

from casushub.platform.settings import Settings
from casushub.web.app import create_app

# GET routes that are not pages, with the reason. Kept exact (no prefixes) except for the
# JSON API, so a new route is decided on, not swept in.
NOT_PAGES: dict[str, str] = {
    "/auth/callback": "the identity provider's return: answers with a redirect",
    "/auth/uitgelogd": "the provider's return after sign-out: a redirect to the start page",
    "/auth/session": "JSON for the session timer in every page",
    "/healthz": "liveness probe for the platform",
    "/readyz": "readiness probe for the platform",
    "/metrics": "Prometheus metrics",
    "/static/{file_path:path}": "scripts, stylesheets and fonts",
    "/huisstijl/{hub_id:uuid}/logo": "the hub's logo image",
    "/huisstijl/{hub_id:uuid}/stijl.css": "the hub's stylesheet",
    "/contactpunt/{gemeente:str}/huisstijl.css": "the hub's stylesheet on the public pages",
    "/contactpunt/{gemeente:str}/logo": "the hub's logo on the public pages",
    "/casusoverleg/agendapunten/{agendapunt_id:uuid}/notulen.pdf": "PDF download (PDF/UA)",
    "/casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/agenda.pdf": "PDF download (PDF/UA)",
    "/casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}/uitnodiging.ics": "calendar file",
    "/casusoverleg/bijlagen/{bijlage_id:uuid}": "an attachment's download",
    "/contactpunt-taken/verzoek/{verzoek_id:uuid}/inzage/{formaat:str}": "the inzage export",
    "/fg/export": "CSV download of the access log",
    "/gemeente/export": "the municipality's export archive",
    "/cijfers/download": "CSV download of the figures",
    "/hub/cijfers/download": "CSV download of the hub's figures",
    "/hub/cijfers/{tenant_id:uuid}/download": "CSV download of a municipality's figures",
    "/overgang/bestanden/{naam:str}": "the import template and example file (downloads)",
    "/hub/gemeenten/{tenant_id:uuid}/overgang/bestanden/{naam:str}": "the same, for the hub",
    # htmx fragments: loaded into the casus page (in PAGES) when it opens, checked there.
    "/casusoverleg/casussen/{casus_id:uuid}/bijeenkomsten": "fragment of the casus page",
    "/casusoverleg/casussen/{casus_id:uuid}/derden": "fragment of the casus page",
    "/casusoverleg/casussen/{casus_id:uuid}/informatie": "fragment of the casus page",
    "/casusoverleg/casussen/{casus_id:uuid}/plan": "fragment of the casus page",
    "/casusoverleg/casussen/{casus_id:uuid}/rechten": "fragment of the casus page",
    "/contactpunt-taken/overdrachten": "fragment of the contactpunt queue",
    "/casusoverleg/casussen/{casus_id:uuid}/verloop": "fragment of the casus page",
    # Progress fragments polled inside the page that started the work.
    "/jobs/{job_id:uuid}": "progress fragment inside a page",
    "/hub/gemeenten/taken/{job_id:uuid}": "progress fragment of the onboarding page",
}
API_PREFIX = "/api/"  # the admin API answers JSON (tests/security/test_api_fuzz.py)


def _pages(request: pytest.FixtureRequest) -> list[Any]:
    """PAGES of tests/browser/conftest.py, from the conftest pytest already loaded."""
    for plugin in request.config.pluginmanager.get_plugins():
        if str(getattr(plugin, "__file__", "")).endswith("tests/browser/conftest.py"):
            return list(plugin.PAGES)
    raise AssertionError("tests/browser/conftest.py is niet geladen")


def _get_routes(app: Litestar) -> list[str]:
    return sorted(
        {route.path for route in app.routes if "GET" in getattr(route, "route_handler_map", {})}
    )


def _matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path.split("?", 1)[0]) is not None


def test_pages_cover_every_html_route(request: pytest.FixtureRequest, settings: Settings) -> None:
    routes = _get_routes(create_app(settings))
    pages = [page.path for page in _pages(request)]
    stale = sorted(set(NOT_PAGES) - set(routes))
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"
    html = [r for r in routes if r not in NOT_PAGES and not r.startswith(API_PREFIX)]
    missing = [r for r in html if not any(_matches(r, path) for path in pages)]
    assert not missing, f"pages not in PAGES (add them, or to NOT_PAGES with a reason): {missing}"
    unrouted = [path for path in pages if not any(_matches(r, path) for r in routes)]
    # The one page on purpose without a route: the Dutch 404 page.
    assert unrouted == ["/bestaat-niet"], unrouted
    print(f"\nPAGES: {len(pages)} checks over {len(html)} HTML routes; {len(NOT_PAGES)} not pages")
