"""Cross-tenant matrix: every route × every role × both directions between two municipalities
on two hubs, with the other side's real ids in every id parameter, id form field and id query
parameter (the FG's lookups).

Expected: an id route answers 403 or 404 with the same body as for a random id (no existence
hint), each such refusal leaves an access-log entry (the municipality's verwerkingenlog, or the
platform's audit log for hub and API requests; found by the request id the test sends), no route
ever shows a byte of the other side's data, and nothing answers 5xx.

A matrix that tried nothing would pass too: it asserts how many routes, requests and foreign
ids it tried (floors derived from the route table), and the positive controls show that each
family of id routes does answer its own side's id with 200, so a refusal is a decision about
the other side's object and not a route that refuses everything.
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
    QUERY_ID_SOURCES,
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
from casushub.platform.identity.roles import OrganisationType, Role
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
# Who sends the requests: every role (a participant of a gemeente organisation), a
# reclassering participant (it sees less than a kernpartij) and the API token (None).
SUBJECTS: list[tuple[Role | None, OrganisationType | None]] = [
    *((role, None) for role in Role),
    (Role.PARTICIPANT, OrganisationType.RECLASSERING),
    (None, None),
]


def _sampled(route: Route, role: Role | None, own_name: str) -> bool:
    """Quick run: A -> B every role on every route; B -> A only the roles a route admits."""
    if FULL or own_name == "A":
        return True
    if role is None:
        is_api: bool = route.is_api
        return is_api
    allowed: frozenset[Role] | str = route.allowed
    return isinstance(allowed, str) or role in allowed


def _admits(route: Route, label: str) -> bool:
    """Does the route's declaration admit the subject with this label (a role's value)?"""
    if isinstance(route.allowed, str):
        return route.allowed != "undeclared"
    return any(label.split(" ")[0] == role.value for role in route.allowed)


def candidates(
    name: str,
    ids: dict[str, list[uuid.UUID]],
    limit: int = 2 if FULL else 1,
    sources: dict[str, tuple[str, ...]] = ID_SOURCES,
) -> list[uuid.UUID]:
    """``limit`` ids of each table the name's ids come from (or a sample of all ids)."""
    found = [i for t in sources.get(name, ()) for i in ids.get(t, [])[:limit]]
    if found:
        return found
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
        for role, soort in SUBJECTS:
            async with AsyncTestClient(app, session_config=session_config(settings)) as client:
                if role is None:
                    # The admin API's own credential: a bearer token of the own hub.
                    label = "API-token"
                    client.headers["Authorization"] = f"Bearer {own.api_token}"
                elif soort is not None:
                    # A participant outside the weegploeg sees less again (test_scopes.py).
                    label = f"{role.value} ({soort.value})"
                    use_session(client, (await world.sign_in_participant(own, soort)).cookie)
                else:
                    label = role.value
                    use_session(client, (await world.sign_in(own, role)).cookie)
                token = await csrf_token(client)
                own_ids = own.all_ids()
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
        side.typed.clear()
    logged = await _logged_request_ids(world, app_engine, settings, set(refusals))
    unlogged = [what for request_id, what in refusals.items() if request_id not in logged]
    failures += [f"{what}: refused without an access-log entry" for what in unlogged]
    counts["weigering in toegangslog"] = len(refusals) - len(unlogged)
    counts["routes"] = len(routes)
    print(f"\ncross-tenant matrix: {dict(counts)}")
    assert not failures, "\n".join(failures[:40])
    # What it tried, against floors from the route table: direction A -> B sends every
    # subject to every route, with at least one foreign id per id parameter or id query.
    id_routes = [r for r in routes if any(k == "uuid" for _, k in r.params) or r.query_ids]
    assert counts["route×role×richting"] >= len(routes) * len(SUBJECTS), dict(counts)
    assert counts["verzoeken"] >= counts["route×role×richting"] + counts["andermans id"]
    assert counts["andermans id"] >= len(id_routes) * (len(SUBJECTS) - len(PLATFORM_WIDE))
    assert counts["andermans id in query"] >= 2 * len(SUBJECTS) - len(PLATFORM_WIDE)
    assert counts["weigering in toegangslog"] >= len(id_routes), dict(counts)


def _form(other: Any, markers: list[str]) -> dict[str, str]:
    data = {
        name: str(candidates(name, other.ids)[0])
        for name in ID_SOURCES
        if other.ids.get(ID_SOURCES[name][0])
    }
    data.update(
        (name, str(candidates(name, other.ids, sources=QUERY_ID_SOURCES)[0]))
        for name in QUERY_ID_SOURCES
    )
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
    base_form = _form(other, other_strings)
    label = f"{route.key} as {role}"
    uuid_params = [name for name, kind in route.params if kind == "uuid"]
    # (path, form, the foreign id in it or None, where it is)
    attempts: list[tuple[str, dict[str, str], uuid.UUID | None, str]] = []
    for name in uuid_params:
        for foreign in candidates(name, other.ids):
            path = fill_path(route, {name: str(foreign)}, uuid.uuid4())
            attempts.append((path, base_form, foreign, "pad"))
    for name in route.query_ids:
        for foreign in candidates(name, other.ids, sources=QUERY_ID_SOURCES):
            path = fill_path(route, {}, uuid.uuid4())
            attempts.append((path, {**base_form, name: str(foreign)}, foreign, "query"))
    if not attempts:
        attempts = [(fill_path(route, {}, uuid.uuid4()), base_form, None, "")]
    for path, form, candidate, where in attempts:
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
        if where == "query":
            counts["andermans id in query"] += 1
        unknown = str(uuid.uuid4())
        random_path = path.replace(str(candidate), unknown)
        random_form = {k: unknown if v == str(candidate) else v for k, v in form.items()}
        baseline = await _request(client, route, random_path, token, random_form)
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
            if where == "query" and response.status_code == 403 and not _admits(route, role):
                # The role guard refused the whole route before reading its query: no object
                # was named to the application, so there is nothing about one to log.
                counts["rolweigering vóór de query"] += 1
            elif response.status_code != 401:
                # A 401 is "sign in (again)", not a decision about the object.
                refusals[request_id] = f"{label}: {response.status_code} for {path}"
        else:
            # The route does not read the object (a blank form, a meeting assembled from the
            # viewer's own memberships, input validated before any lookup): it answers the
            # other side's id exactly like an unknown one, which is all that may be learnt.
            counts[f"gelijk aan onbekend id ({response.status_code})"] += 1
    return failures


# --- what the matrix relies on ----------------------------------------------------------------

REGIE, DERDE, FG, CP = Role.GEMEENTE_REGIE, Role.INVITED_PARTY, Role.FG_AUDITOR, Role.CONTACTPUNT
HUB, OPS = Role.HUB_ADMIN, Role.PLATFORM_OPERATOR
# One route per family of id routes (the path up to its first parameter; a query lookup is its
# own family), asked by a role that may use it, with an id of its own side: it answers 200.
# "zelf" is the signed-in user; "eigen_uitnodiging" an invitation made for the invited party.
CONTROLS: list[tuple[str, Role | None, dict[str, str]]] = [
    ("GET /api/v1/jobs/{job_id:uuid}", None, {"job_id": "provisietaak"}),
    ("GET /api/v1/organisations/{organisation_id:uuid}", None, {"organisation_id": "organisation"}),
    ("GET /api/v1/tenants/{tenant_id:uuid}", None, {"tenant_id": "tenant"}),
    ("GET /beheer/gebruikers/{user_id:uuid}/sessies", HUB, {"user_id": "zelf"}),
    ("GET /casusoverleg/agendapunten/{agendapunt_id:uuid}", REGIE, {"agendapunt_id": "agendapunt"}),
    (
        "GET /casusoverleg/bijeenkomsten/{bijeenkomst_id:uuid}",
        REGIE,
        {"bijeenkomst_id": "bijeenkomst"},
    ),
    ("GET /casusoverleg/bijlagen/{bijlage_id:uuid}", REGIE, {"bijlage_id": "bijlage"}),
    ("GET /casusoverleg/casussen/{casus_id:uuid}", REGIE, {"casus_id": "casus"}),
    (
        "GET /casusoverleg/maatregelen/{maatregel_id:uuid}/besluit",
        REGIE,
        {"maatregel_id": "voorgenomen_maatregel"},
    ),
    ("GET /casusoverleg/signalen/{signaal_id:uuid}/weging", REGIE, {"signaal_id": "signaal"}),
    (
        "GET /casusoverleg/uitnodigingen/{uitnodiging_id:uuid}",
        DERDE,
        {"uitnodiging_id": "eigen_uitnodiging"},
    ),
    ("GET /casusoverleg/wegingen/{weging_id:uuid}/opname", REGIE, {"weging_id": "weging"}),
    ("GET /contactpunt-taken/verzoek/{verzoek_id:uuid}", CP, {"verzoek_id": "verzoek"}),
    (
        "GET /contactpunt-taken/rectificatie/{rectificatie_id:uuid}",
        CP,
        {"rectificatie_id": "rectificatie"},
    ),
    ("GET /hub/casusoverleggen/{overleg_id:uuid}", HUB, {"overleg_id": "casusoverleg"}),
    ("GET /hub/gemeenten/taken/{job_id:uuid}", HUB, {"job_id": "provisietaak"}),
    ("GET /hub/gemeenten/{tenant_id:uuid}", HUB, {"tenant_id": "tenant"}),
    ("GET /hub/organisaties/{organisation_id:uuid}", HUB, {"organisation_id": "organisation"}),
    ("GET /huisstijl/{hub_id:uuid}/stijl.css", HUB, {"hub_id": "hub"}),
    ("GET /jobs/{job_id:uuid}", REGIE, {"job_id": "job"}),
    ("GET /platform/hubs/{hub_id:uuid}", OPS, {"hub_id": "hub"}),
    ("GET /overgang/imports/{import_id:uuid}", REGIE, {"import_id": "overgangsimport"}),
    ("GET /hub/cijfers/{tenant_id:uuid}", HUB, {"tenant_id": "tenant"}),
    ("GET /overgang/zaken/{zaak_id:uuid}/weging", REGIE, {"zaak_id": "overgangszaak"}),
    ("GET /fg/casus", FG, {"casus": "casus"}),
    ("GET /fg/gebruiker", FG, {"gebruiker": "zelf"}),
]
# Id names the world cannot seed, with the reason; they get the generic sample of ids.
UNSEEDED = {
    "melding_id": "a hand-over notice needs two municipalities on one hub; each side is alone",
}


def _family(route: Route) -> str:
    path: str = route.path
    return path.split("{", 1)[0] if "{" in path else path


def test_every_id_route_family_has_a_positive_control(app: Litestar) -> None:
    routes = enumerate_routes(app)
    families = {
        _family(r)
        for r in routes
        if r.method == "GET" and (any(k == "uuid" for _, k in r.params) or r.query_ids)
    }
    keys = {r.key for r in routes}
    controlled = {_family(next(r for r in routes if r.key == key)) for key, _, _ in CONTROLS}
    assert {key for key, _, _ in CONTROLS} <= keys
    assert families - controlled == set(), "add a positive control to CONTROLS"


def test_every_id_name_has_seeded_ids_on_both_sides(app: Litestar, world: Any) -> None:
    """Foreign ids come from real seeded rows of each kind: an empty table would leave the
    matrix sending nothing (or only the generic sample) for that name."""
    names = {name for r in enumerate_routes(app) for name, kind in r.params if kind == "uuid"}
    assert names - set(ID_SOURCES) - set(UNSEEDED) == set(), "add the id name to ID_SOURCES"
    for side in world.sides.values():
        for name, tables in {**ID_SOURCES, **QUERY_ID_SOURCES}.items():
            if name in {"user_id", "session_id", "membership_id", "gebruiker"}:
                continue  # made by the sign-ins during the matrix (World.sign_in)
            assert candidates(name, side.ids, sources={name: tables}), (side.name, name, tables)
            assert all(side.ids.get(t) for t in tables), (side.name, name, tables)


async def test_positive_controls_answer_the_own_sides_ids(
    app: Litestar, settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    failures: list[str] = []
    answered = 0
    for side in world.sides.values():
        for key, role, values in CONTROLS:
            method, path = key.split(" ", 1)
            route = Route(method, path, "", {})
            async with AsyncTestClient(app, session_config=session_config(settings)) as client:
                if role is None:
                    client.headers["Authorization"] = f"Bearer {side.api_token}"
                    signed = None
                else:
                    signed = await world.sign_in(side, role)
                    use_session(client, signed.cookie)
                if "huisstijl" in key and signed is not None:
                    await _house_style(world.admin_engine, side.hub_id, signed.user_id)
                filled: dict[str, str] = {}
                for name, source in values.items():
                    if source == "zelf":
                        assert signed is not None
                        filled[name] = str(signed.user_id)
                    elif source == "eigen_uitnodiging":
                        assert signed is not None
                        filled[name] = str(
                            await _invitation_for(
                                app_engine, settings, side, signed.organisation_id
                            )
                        )
                    else:
                        filled[name] = str(side.ids[source][0])
                path_values = {k: v for k, v in filled.items() if f"{{{k}:" in path}
                query = {k: v for k, v in filled.items() if k not in path_values}
                response = await client.get(
                    fill_path(route, path_values, uuid.uuid4()), params=query
                )
            answered += 1
            if response.status_code != 200:
                failures.append(f"{side.name} {key} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert answered == len(CONTROLS) * len(world.sides)
    print(f"\npositive controls: {answered} (own ids answered 200)")


async def _invitation_for(
    app_engine: AsyncEngine, settings: Settings, side: Any, organisatie_id: uuid.UUID
) -> uuid.UUID:
    """An accepted invitation of the side's invited party to its meeting (an ordinary item of
    an open casus in scope)."""
    from datetime import UTC, datetime, timedelta

    from casushub.tenants.actor import Actor
    from casushub.tenants.casus.models import Casus, InformatieItem
    from casushub.tenants.uitnodigingen.services import accepteer, nodig_uit

    async with tenant_session(app_engine, side.tenant, settings) as s, s.begin():
        item = (
            await s.execute(
                select(InformatieItem.id, InformatieItem.casus_id)
                .join(Casus, Casus.id == InformatieItem.casus_id)
                .where(InformatieItem.categorie == "gewoon", Casus.status != "afgesloten")
                .limit(1)
            )
        ).one()
        uitnodiging = await nodig_uit(
            s,
            Actor.system("controle"),
            casus_id=item.casus_id,
            bijeenkomst_id=side.ids["bijeenkomst"][0],
            einde_bijeenkomst=datetime.now(UTC) + timedelta(days=7),
            organisatie_id=organisatie_id,
            reden="Positieve controle.",
            item_ids=[item.id],
        )
        gast = Actor(uuid.uuid4(), organisatie_id, "invited_party")
        await accepteer(s, gast, uitnodiging.id, geheimhouding_geaccepteerd=True)
    return uitnodiging.id


async def _house_style(engine: AsyncEngine, hub_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The hub's own house style (its stylesheet is served only once there is one)."""
    from casushub.platform.hub.huisstijl import stel_in
    from casushub.platform.identity.memberships import Actor as HubActor

    async with engine.begin() as conn:
        await stel_in(
            conn,
            hub_id,
            HubActor(user_id, Role.HUB_ADMIN, hub_id),
            weergavenaam="Beveiligingshub",
            primaire_kleur="#1f4e79",
        )
