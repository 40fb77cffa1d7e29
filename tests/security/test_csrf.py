"""CSRF: every unsafe route (enumerated) refuses a request without a valid token; the admin
API is exempt from CSRF because it never accepts the browser's session cookie."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import (
    PUBLIC,
    SIGNED_IN,
    UNSAFE,
    Route,
    csrf_token,
    enumerate_routes,
    fill_path,
    use_session,
)

from casushub.platform.identity.roles import Role
from casushub.platform.logs import configure_logging
from casushub.platform.settings import Settings
from casushub.web.app import CSRF_HEADER, create_app, session_config

# Who signs in to try a route: the first of these the route admits.
PREFERENCE = (
    Role.GEMEENTE_REGIE,
    Role.CONTACTPUNT,
    Role.PARTICIPANT,
    Role.INVITED_PARTY,
    Role.FG_AUDITOR,
    Role.HUB_ADMIN,
    Role.PLATFORM_OPERATOR,
    Role.PROCESREGISSEUR,
)


def _role_for(route: Route) -> Role | None:
    if route.allowed == PUBLIC:
        return None
    if route.allowed == SIGNED_IN or isinstance(route.allowed, str):
        return Role.GEMEENTE_REGIE
    return next(r for r in PREFERENCE if r in route.allowed)


async def test_every_unsafe_route_refuses_without_a_valid_token(
    app: Litestar, settings: Settings, world: Any
) -> None:
    unsafe = [r for r in enumerate_routes(app) if r.method in UNSAFE and not r.is_api]
    assert unsafe, "the enumeration found no unsafe routes"
    accepted_with_token = 0
    failures = []
    for route in unsafe:
        role = _role_for(route)
        path = fill_path(route, {}, uuid.uuid4())
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            if role is not None:
                use_session(client, (await world.sign_in(world.sides["A"], role)).cookie)
            token = await csrf_token(client)
            for headers, what in (
                ({}, "no token"),
                ({CSRF_HEADER: token[:-4] + "AAAA"}, "a forged token"),
            ):
                response = await client.request(
                    route.method, path, data={"x": "1"}, headers=headers
                )
                if response.status_code != 403:
                    failures.append(f"{route.key}: {response.status_code} with {what}")
            valid = await client.request(
                route.method, path, data={"x": "1"}, headers={CSRF_HEADER: token}
            )
            assert valid.status_code < 500, f"{route.key}: {valid.status_code} with a valid token"
            accepted_with_token += valid.status_code != 403
    assert not failures, "\n".join(failures)
    # The refusals above are the CSRF check's, not the guard's: with the token most pass it.
    assert accepted_with_token >= len(unsafe) // 2, (accepted_with_token, len(unsafe))
    print(f"\nCSRF: {len(unsafe)} unsafe routes, {accepted_with_token} past the check with a token")


async def test_api_refuses_the_session_cookie(
    app: Litestar, settings: Settings, world: Any
) -> None:
    """The API is exempt from CSRF, so a browser session must never authenticate there."""
    api = [r for r in enumerate_routes(app) if r.allowed == "api:hub_admin"]
    if not api:
        return
    side = world.sides["A"]
    for role in (Role.HUB_ADMIN, Role.PLATFORM_OPERATOR, Role.GEMEENTE_REGIE):
        async with AsyncTestClient(app, session_config=session_config(settings)) as client:
            use_session(client, (await world.sign_in(side, role)).cookie)
            token = await csrf_token(client)
            for route in api:
                path = fill_path(route, {}, uuid.uuid4())
                response = await client.request(
                    route.method, path, json={}, headers={CSRF_HEADER: token}
                )
                assert response.status_code == 401, (route.key, role, response.status_code)
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        client.headers["Authorization"] = f"Bearer {side.api_token}"
        listing = next(r for r in api if r.method == "GET" and not r.params)
        assert (await client.get(listing.path)).status_code == 200


async def test_a_refused_request_is_logged_with_the_status_the_client_got(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CSRF check refuses in Litestar's own middleware, outside the handler: the access
    line and the response must still carry the 403 and the request id."""
    logged = replace(settings, log_json=True)
    app = create_app(logged)
    configure_logging(logged)  # bind the JSON log handler to the captured stdout
    async with AsyncTestClient(app, session_config=session_config(logged)) as client:
        await csrf_token(client)
        refused = await client.post(
            "/auth/logout", data={"x": "1"}, headers={"accept": "text/html"}
        )
        passed = await client.get("/auth/login")
    assert refused.status_code == 403
    request_id = refused.headers.get("x-request-id")
    assert request_id, dict(refused.headers)
    # The Dutch page names the same reference as the log.
    assert request_id in refused.text
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line[:1] == "{"]
    access = [entry for entry in lines if entry["logger"] == "casushub.access"]
    by_id = {entry.get("request_id"): entry for entry in access}
    assert request_id in by_id, access
    assert by_id[request_id]["status"] == 403
    assert by_id[request_id]["path"] == "/auth/logout"
    assert by_id[request_id]["method"] == "POST"
    # An ordinary request keeps its one line with its own id; no request is logged twice
    # (three requests: the page that set the CSRF cookie, the refused one, the sign-in page).
    assert by_id[passed.headers["x-request-id"]]["status"] == 200
    assert len(access) == len(by_id) == 3, access
