"""Cross-tenant matrix: every route × every role × both directions between two municipalities
on two hubs, with the other side's real ids in every id parameter and id form field.

Expected: an id route answers 403 or 404 with the same body as for a random id (no existence
hint), each such refusal leaves an access-log entry (the municipality's verwerkingenlog, or the
platform's audit log for hub and API requests; found by the request id the test sends), no route
ever shows a byte of the other side's data, and nothing answers 5xx.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import (
    ID_SOURCES,
    UNSAFE,
    Route,
    csrf_token,
    enumerate_routes,
    fill_path,
    normalise_body,
    use_session,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.web.app import CSRF_HEADER, session_config

REFUSED = {401, 403, 404}
# make test-long sets this: every role on every route in both directions, more ids per route.
FULL = os.environ.get("CASUSHUB_SECURITY_FULL") == "1"
# Its scope is the whole installation: there is no "other side" of platform-level objects.
PLATFORM_WIDE = {Role.PLATFORM_OPERATOR}
# Ending the session mid-run would turn every later request into a sign-in redirect.
LAST = {"POST /auth/logout"}


def _sampled(route: Route, role: Role | None, own_name: str) -> bool:
    """Quick run: A -> B every role on every route; B -> A only the roles a route admits."""
    if FULL or own_name == "A":
        return True
    if role is None:
        return route.is_api
    return isinstance(route.allowed, str) or role in route.allowed


def candidates(
    name: str, ids: dict[str, list[uuid.UUID]], limit: int = 2 if FULL else 1
) -> list[uuid.UUID]:
    found = [i for t in ID_SOURCES.get(name, ()) for i in ids.get(t, [])]
    if found:
        return found[:limit]
    everything = sorted({i for values in ids.values() for i in values})
    return everything[:: max(1, len(everything) // 3)][:3]


async def test_cross_tenant_matrix(
    app: Litestar, settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    routes = enumerate_routes(app)
    ordered = [r for r in routes if r.key not in LAST] + [r for r in routes if r.key in LAST]
    counts: Counter[str] = Counter()
    failures: list[str] = []
    # Request id -> what was refused: each must show up in an access log afterwards.
    refusals: dict[str, str] = {}
    for own_name in world.sides:
        own, other = world.sides[own_name], world.other(own_name)
        other_strings = list(other.markers)
        own_ids = own.all_ids()
        for role in [*Role, None]:
            async with AsyncTestClient(app, session_config=session_config(settings)) as client:
                if role is None:
                    # The admin API's own credential: a bearer token of the own hub.
                    label = "API-token"
                    client.headers["Authorization"] = f"Bearer {own.api_token}"
                else:
                    label = role.value
                    use_session(client, (await world.sign_in(own, role)).cookie)
                token = await csrf_token(client)
                for route in ordered:
                    if not _sampled(route, role, own_name):
                        continue
                    if route.method == "ASGI":
                        failures.append(f"{route.path}: not an HTTP route, cannot be checked")
                        continue
                    counts["route×role×richting"] += 1
                    failures += await _probe(
                        client, route, label, token, other, own_ids, other_strings, counts, refusals
                    )
    for side in world.sides.values():
        # Logout and the operator's session revocations ended these: later tests sign in anew.
        side.signed_in.clear()
    logged = await _logged_request_ids(world, app_engine, settings, set(refusals))
    unlogged = [what for request_id, what in refusals.items() if request_id not in logged]
    failures += [f"{what}: refused without an access-log entry" for what in unlogged]
    counts["weigering in toegangslog"] = len(refusals) - len(unlogged)
    print(f"\ncross-tenant matrix: {dict(counts)}")
    assert not failures, "\n".join(failures[:40])


def _form(other: Any, markers: list[str]) -> dict[str, str]:
    data = {
        name: str(candidates(name, other.ids)[0])
        for name in ID_SOURCES
        if other.ids.get(ID_SOURCES[name][0])
    }
    # A search for the other side's marker: its stem only, so a form that echoes its input does
    # not look like a leak, while a search that finds the other side's row would show it whole.
    stem = markers[0].removesuffix("Naam")
    data.update(q=stem, zoek=stem, naam=stem, tekst=stem)
    return data


async def _logged_request_ids(
    world: Any, app_engine: AsyncEngine, settings: Settings, wanted: set[str]
) -> set[str]:
    """Which of these request ids appear in either side's verwerkingenlog or the audit log."""
    found: set[str] = set()
    for side in world.sides.values():
        async with tenant_session(app_engine, side.tenant, settings) as s, s.begin():
            rows = await s.scalars(
                select(Verwerking.request_id).where(Verwerking.request_id.in_(wanted))
            )
            found.update(r for r in rows if r)
    async with world.admin_engine.connect() as conn:
        rows = await conn.scalars(
            select(AdminAuditEntry.request_id).where(AdminAuditEntry.request_id.in_(wanted))
        )
        found.update(rows)
    return found


async def _request(
    client: AsyncTestClient[Litestar],
    route: Route,
    path: str,
    token: str,
    form: dict[str, str],
    request_id: str | None = None,
) -> Any:
    headers = {CSRF_HEADER: token, "X-Request-ID": request_id or uuid.uuid4().hex}
    if route.method in UNSAFE:
        return await client.request(route.method, path, data=form, headers=headers)
    return await client.request(route.method, path, params=form, headers=headers)


async def _probe(
    client: AsyncTestClient[Litestar],
    route: Route,
    role: str,
    token: str,
    other: Any,
    own_ids: set[uuid.UUID],
    other_strings: list[str],
    counts: Counter[str],
    refusals: dict[str, str],
) -> list[str]:
    failures: list[str] = []
    form = _form(other, other_strings)
    label = f"{route.key} as {role}"
    uuid_params = [name for name, kind in route.params if kind == "uuid"]
    values: dict[str, str] = {}
    if not uuid_params:
        attempts = [(fill_path(route, values, uuid.uuid4()), None)]
    else:
        attempts = []
        for name in uuid_params:
            for candidate in candidates(name, other.ids):
                attempts.append((fill_path(route, {name: str(candidate)}, uuid.uuid4()), candidate))
    for path, candidate in attempts:
        request_id = uuid.uuid4().hex
        response = await _request(client, route, path, token, form, request_id)
        counts["verzoeken"] += 1
        text = response.text
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code} for {path}")
        leaked = [s for s in other_strings if s in text]
        if leaked:
            failures.append(f"{label}: other tenant's data {leaked} in {path}")
        platform_wide = role in {r.value for r in PLATFORM_WIDE} and not isinstance(
            route.allowed, str
        )
        if candidate is None or candidate in own_ids or platform_wide:
            # No id of the other side in the path (or an id both sides share, like a regional
            # meeting): only the leak check applies.
            continue
        counts["andermans id"] += 1
        random_path = path.replace(str(candidate), str(uuid.uuid4()))
        baseline = await _request(client, route, random_path, token, form)
        counts["verzoeken"] += 1
        same = (baseline.status_code == response.status_code) and normalise_body(
            baseline.text
        ) == normalise_body(text)
        if not same:
            failures.append(
                f"{label}: existence hint, {response.status_code} vs {baseline.status_code} "
                f"for {path} and a random id"
            )
        elif response.status_code in REFUSED:
            counts["geweigerd (401/403/404)"] += 1
            if response.status_code != 401:
                # A 401 is "sign in (again)", not a decision about the object.
                refusals[request_id] = f"{label}: {response.status_code} for {path}"
        else:
            # The route does not read the object (a blank form, a meeting assembled from the
            # viewer's own memberships, input validated before any lookup): it answers the
            # other side's id exactly like an unknown one, which is all that may be learnt.
            counts[f"gelijk aan onbekend id ({response.status_code})"] += 1
    return failures
