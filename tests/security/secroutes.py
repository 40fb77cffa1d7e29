"""The app's route table, enumerated: every (method, path) with its access declaration.

Used by every security test here, so a route added anywhere in the app is covered without
touching these tests (the role table in test_role_table.py then fails until it names it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from casushub.platform.identity.roles import Role
from casushub.web.app import CSRF_COOKIE, SESSION_COOKIE
from casushub.web.auth.guards import ANY_SIGNED_IN, PUBLIC_OPT, ROLES_OPT

__all__ = [
    "ID_SOURCES",
    "PUBLIC",
    "QUERY_ID_SOURCES",
    "SIGNED_IN",
    "UNSAFE",
    "Route",
    "csrf_token",
    "declaration",
    "enumerate_routes",
    "fill_path",
    "form_path",
    "form_role",
    "normalise_body",
    "use_session",
]

PUBLIC = "public"
SIGNED_IN = "signed_in"
UNDECLARED = "undeclared"
API_OPT = "api"  # casushub.web.auth.guards.api_token()
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Path parameter / form field name -> the seeded table(s) its ids come from. An id name not
# listed here gets a sample of every id of the other side, so a new route is covered anyway
# (test_cross_tenant.py::test_every_id_name_has_seeded_ids then asks for an entry here).
ID_SOURCES: dict[str, tuple[str, ...]] = {
    "casus_id": ("casus",),
    "item_id": ("informatie_item",),
    "bijlage_id": ("bijlage",),
    "signaal_id": ("signaal",),
    "weging_id": ("weging",),
    "uitnodiging_id": ("uitnodiging",),
    "verzoek_id": ("verzoek",),
    "consultatie_id": ("verzoek_consultatie",),
    "rectificatie_id": ("rectificatie",),
    "agendapunt_id": ("agendapunt",),
    "actie_id": ("agenda_actie",),
    "interventie_id": ("interventie",),
    "maatregel_id": ("voorgenomen_maatregel",),
    # The side's own regional meeting on its hub's calendar, with its casus on the agenda.
    "bijeenkomst_id": ("bijeenkomst",),
    "overleg_id": ("casusoverleg",),
    "persoon_id": ("persoon",),
    "tenant_id": ("tenant",),
    "job_id": ("job", "provisietaak"),
    "stap_id": ("implementatiestap",),
    "user_id": ("user",),
    "session_id": ("session",),
    "membership_id": ("membership",),
    "organisatie_id": ("organisation",),
    "organisation_id": ("organisation",),
    "hub_id": ("hub",),
    "token_id": ("api_token",),
    "invitation_id": ("invitation",),
    "import_id": ("overgangsimport",),
    "zaak_id": ("overgangszaak",),
    "blokkade_id": ("juridische_blokkade",),
}
# Query parameters that name an object by id (the FG's lookups), with their sources: another
# municipality's ids are sent there as well, and compared with an unknown id.
QUERY_ID_SOURCES: dict[str, tuple[str, ...]] = {
    "casus": ("casus",),
    "gebruiker": ("user",),
}
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Litestar's template, e.g. /casusoverleg/casussen/{casus_id:uuid}
    allowed: frozenset[Role] | str  # PUBLIC, SIGNED_IN, UNDECLARED, api:<who> or the roles
    opt: Mapping[str, Any]
    # Query parameters of the handler that name an object by id (QUERY_ID_SOURCES).
    query_ids: tuple[str, ...] = ()

    @property
    def params(self) -> list[tuple[str, str]]:
        return _PARAM.findall(self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def declaration(opt: Mapping[str, Any]) -> frozenset[Role] | str:
    if opt.get(PUBLIC_OPT) is True:
        return PUBLIC
    if opt.get(API_OPT):
        return f"api:{opt[API_OPT]}"
    value = opt.get(ROLES_OPT)
    if value == ANY_SIGNED_IN:
        return SIGNED_IN
    if isinstance(value, frozenset):
        return frozenset(Role(r) for r in value)
    return UNDECLARED


def enumerate_routes(app: Litestar) -> list[Route]:
    """Every HTTP method of every route (OPTIONS and HEAD are Litestar's own)."""
    found = []
    for route in app.routes:
        handler_map = getattr(route, "route_handler_map", None)
        if handler_map is None:  # websocket or mounted ASGI app: none exist yet
            found.append(Route("ASGI", route.path, UNDECLARED, {}))
            continue
        for method, (handler, _) in handler_map.items():
            if method in {"OPTIONS", "HEAD"}:
                continue
            names = handler.parsed_fn_signature.parameters
            query_ids = tuple(name for name in QUERY_ID_SOURCES if name in names)
            found.append(
                Route(method, route.path, declaration(handler.opt), dict(handler.opt), query_ids)
            )
    return sorted(found, key=lambda r: (r.path, r.method))


def fill_path(route: Route, values: Mapping[str, str], default_id: uuid.UUID) -> str:
    """The path with each parameter filled: given values by name, uuids with ``default_id``."""

    def one(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name in values:
            return values[name]
        if kind == "uuid":
            return str(default_id)
        if kind == "path":
            return "app.css"
        return "x"

    return _PARAM.sub(one, route.path)


def form_role(route: Route) -> Role | None:
    """The role the form tests try ``route`` as: none where it is public, the regie where any
    signed-in user may, else the first of the usual roles it allows."""
    allowed: frozenset[Role] | str = route.allowed
    if allowed == PUBLIC:
        return None
    if allowed == SIGNED_IN or isinstance(allowed, str):
        return Role.GEMEENTE_REGIE
    for role in (Role.GEMEENTE_REGIE, Role.CONTACTPUNT, Role.PARTICIPANT, Role.HUB_ADMIN):
        if role in allowed:
            return role
    return sorted(allowed)[0]


def form_path(route: Route, side: Any) -> str:
    """``route``'s path with the ids of ``side`` (a side of the security tests' world) filled in,
    for the form tests."""
    values = {
        name: str(side.ids[ID_SOURCES[name][0]][0])
        for name, kind in route.params
        # Not the municipality itself: a valid suspend/terminate would end the
        # shared test municipality for every later test.
        if kind == "uuid" and name != "tenant_id" and side.ids.get(ID_SOURCES.get(name, ("-",))[0])
    }
    values.setdefault("gemeente", side.tenant.slug)
    path: str = fill_path(route, values, uuid.uuid4())
    return path


_VOLATILE = (
    # Request ids, CSRF tokens, nonces and ids echoed back differ per request by design.
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    re.compile(r"[0-9a-f]{16,}"),
    re.compile(r'(name="_csrf_token" value=|name="csrf-token" content=|nonce=)"[^"]*"'),
    re.compile(r"[A-Za-z0-9_\-]{40,}"),
)


def normalise_body(body: str, echoed: Iterable[str] = ()) -> str:
    for value in echoed:
        body = body.replace(value, "<id>")
    for pattern in _VOLATILE:
        body = pattern.sub("<v>", body)
    return body


async def csrf_token(client: AsyncTestClient[Litestar]) -> str:
    """A valid CSRF token for this client (the middleware sets its cookie on a safe request)."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/toegankelijkheid")
    return str(client.cookies[CSRF_COOKIE])


def use_session(client: AsyncTestClient[Litestar], cookie: str) -> None:
    client.cookies.set(SESSION_COOKIE, cookie)
