"""Every page a role may open is reachable by links from its werkruimte.

Per demo user and role of the README (devidp/demo-users.json): sign in through the
development provider in Chromium from the start page (typing the e-mail address and the login
name), choose the role when there are several, then follow every same-origin GET link from
the werkruimte breadth-first (links, GET forms submitted as they stand, htmx GETs a page
loads), with the browser's own cookies. The test fails listing each GET page route that the
role may open per the route table but that no link leads to, and on any link that ends in a
refusal, a missing page or a server error.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from browserkit import Tab
from demokit import DemoUser, demo_tab, demo_users, sign_in_demo
from journeykit import Journey
from test_pages_cover_routes import API_PREFIX, NOT_PAGES

from casushub.platform.identity.roles import Role
from casushub.web.app import create_app
from casushub.web.auth.guards import ROLES_OPT

pytestmark = pytest.mark.browser

# Routes a role may open but that need an id no link offers in the demo region, each with why.
NEEDS_AN_ID: dict[str, str] = {
    "/gemeente/export": "only offered once a municipality's processor agreement has ended",
    "/beheer/gebruikers/{user_id:uuid}/sessies": "a user's sessions: an admin action on a "
    "user, linked from the user list only while that user has a live session",
    "/hub/gemeenten/taken/{job_id:uuid}": "the progress of an onboarding that is running",
    "/jobs/{job_id:uuid}": "the progress of a job that is running",
    "/contactpunt-taken/verzoek/{verzoek_id:uuid}": "a request: the demo region holds none "
    "yet; the queue links every request it lists",
    "/contactpunt-taken/verzoek/{verzoek_id:uuid}/besluit": "deciding a request: offered "
    "on a running request's page; the demo region holds no request yet",
    "/contactpunt-taken/rectificatie/{rectificatie_id:uuid}": "a correction passed on to its "
    "recipients: listed under 'Verbeterde gegevens' once a rectification reached the user; "
    "the demo region holds none",
    "/casusoverleg/casussen/{casus_id:uuid}/heropenen": "reopening: offered on a closed "
    "casus's page, which is found by searching for the person's name; no list links a "
    "closed casus",
    "/casusoverleg/casussen/{casus_id:uuid}/informatie/{item_id:uuid}/inzage": "restricting "
    "an item: offered in a casus's rights section while a data-subject request binds it; the "
    "demo region holds no request yet",
    "/gemeente/beeindiging": "the export after the processor agreement ended: offered on the "
    "page a terminated municipality's regie gets",
    "/overgang/imports/{import_id:uuid}": "an import of the transition stock: the demo holds none",
    "/overgang/zaken/{zaak_id:uuid}/weging": "re-weighing an imported case: the demo holds none",
    "/hub/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}": "an import's "
    "progress for the hub: the demo holds none",
    "/casusoverleg/uitnodigingen/{uitnodiging_id:uuid}/inbrengen": "bringing information in: "
    "offered on an invitation that allows it once its confidentiality is accepted (a form "
    "post); the demo invitation waits for that",
}
# Routes the role table opens to a role while the domain narrows them per organisation.
_MAATREGEL_AANKONDIGEN = {
    "/casusoverleg/casussen/{casus_id:uuid}/maatregelen/nieuw": "announcing a measure of the "
    "minister is for the participant of the Minister of JenV",
}
NOT_FOR_ORGANISATION: dict[str, dict[str, str]] = {
    "reclassering.example": {
        "/casusoverleg/signalen/{signaal_id:uuid}/weging": "weighing signals is for the "
        "weegploeg (gemeente, politie, OM); the reclassering is a participant outside it",
        **_MAATREGEL_AANKONDIGEN,
    },
    "politie.example": _MAATREGEL_AANKONDIGEN,
    "om.example": _MAATREGEL_AANKONDIGEN,
    "jenv.example": {
        "/casusoverleg/signalen/{signaal_id:uuid}/weging": "weighing signals is for the "
        "weegploeg (gemeente, politie, OM); the Minister of JenV is a participant outside it",
    },
}
# Per role: how many pages of one route to open before trusting that its siblings link alike
# (the demo has dozens of casussen; each casus page offers the same kinds of links).
PER_ROUTE = 4
MAX_PAGES = 400

USERS = [u for u in demo_users() if u.role != "contactpunt" or u.login == "contactpunt"]
# One user per role and organisation type is enough; the rest sign in alike.
_seen: set[tuple[str, str]] = set()
CASES: list[DemoUser] = []
for _u in USERS:
    _key = (_u.role, _u.email.split("@")[1] if _u.role == "participant" else "")
    if _key not in _seen:
        _seen.add(_key)
        CASES.append(_u)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.found.append(a["href"] or "")
        elif tag == "form" and (a.get("method") or "get").lower() == "get" and a.get("action"):
            self.found.append(a["action"] or "")
        if a.get("hx-get"):
            self.found.append(a["hx-get"] or "")


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def _may_open(role: Role) -> dict[str, re.Pattern[str]]:
    """GET page routes whose declaration names this role."""
    app = create_app()
    result = {}
    for route in app.routes:
        handler = getattr(route, "route_handler_map", {}).get("GET")
        if handler is None or route.path in NOT_PAGES or route.path.startswith(API_PREFIX):
            continue
        allowed = handler[0].opt.get(ROLES_OPT)
        if isinstance(allowed, frozenset) and role in allowed:
            result[route.path] = _pattern(route.path)
    return result


async def _crawl(tab: Tab, start: str) -> dict[str, int]:
    """Breadth-first over same-origin GET links; returns each path reached with its status."""
    request = tab.page.context.request
    reached: dict[str, int] = {}
    per_route: Counter[str] = Counter()
    queue: deque[str] = deque([start])
    seen = {start}
    while queue and len(reached) < MAX_PAGES:
        url = queue.popleft()
        response = await request.get(tab.base_url + url, max_redirects=0)
        path = urlsplit(url).path
        reached[path] = response.status
        if response.status != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        parser = _Links()
        parser.feed(await response.text())
        for href in parser.found:
            target = urljoin(tab.base_url + url, href)
            if not target.startswith(tab.base_url + "/"):
                continue
            local = target[len(tab.base_url) :].split("#")[0]
            shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", urlsplit(local).path)
            if local in seen or per_route[shape] >= PER_ROUTE:
                continue
            seen.add(local)
            per_route[shape] += 1
            queue.append(local)
    return reached


@pytest.mark.parametrize("user", CASES, ids=[f"{u.role}-{u.login}" for u in CASES])
async def test_every_page_of_the_role_is_reachable_from_its_werkruimte(
    demo: Any, browser: Any, user: DemoUser
) -> None:
    async with demo_tab(browser, demo) as tab:
        journey = Journey(tab)
        await sign_in_demo(journey, user)
        reached = await _crawl(tab, "/werkruimte")
    broken = {p: s for p, s in reached.items() if s >= 500}
    assert not broken, f"links that end in a server error: {broken}"
    role = Role(user.role)
    uitgezonderd = NEEDS_AN_ID | NOT_FOR_ORGANISATION.get(user.email.split("@")[1], {})
    unreached = sorted(
        template
        for template, pattern in _may_open(role).items()
        if template not in uitgezonderd and not any(pattern.match(p) for p in reached)
    )
    dead = {p: s for p, s in reached.items() if s in {401, 403, 404}}
    assert not dead, f"{user.email} as {user.role}: links that are dead ends: {dead}"
    assert not unreached, (
        f"{user.email} as {user.role}: pages the role may open but no link from the "
        f"werkruimte reaches: {unreached}"
    )
