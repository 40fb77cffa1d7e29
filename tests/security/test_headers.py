"""Headers and cookies on every GET route (enumerated), with SECURE_COOKIES and HTTPS on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import ID_SOURCES, PUBLIC, SIGNED_IN, enumerate_routes, fill_path, use_session

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.web.app import SESSION_COOKIE, create_app, session_config

BASE_URL = "https://testserver.local"


@pytest.fixture(scope="module")
def secure_settings(settings: Settings) -> Settings:
    return replace(settings, secure_cookies=True, force_https=True)


@pytest.fixture(scope="module")
def secure_app(secure_settings: Settings) -> Litestar:
    return create_app(secure_settings)


@pytest.fixture
async def secure_client(
    secure_app: Litestar, secure_settings: Settings
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(
        secure_app, base_url=BASE_URL, session_config=session_config(secure_settings)
    ) as client:
        yield client


def check_headers(label: str, headers: Any, static: bool) -> list[str]:
    problems = []
    csp = headers.get("content-security-policy", "")
    if not csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{label}: CSP {csp!r}")
    if "frame-ancestors 'none'" not in csp:
        problems.append(f"{label}: no frame-ancestors 'none'")
    if "max-age=" not in headers.get("strict-transport-security", ""):
        problems.append(f"{label}: no HSTS")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append(f"{label}: no nosniff")
    cache = headers.get("cache-control", "")
    if not static and "no-store" not in cache:
        problems.append(f"{label}: Cache-Control {cache!r} on a page that may hold personal data")
    for cookie in headers.get_list("set-cookie"):
        lowered = cookie.lower()
        name = cookie.split("=", 1)[0]
        if "; secure" not in lowered or "samesite=" not in lowered:
            problems.append(f"{label}: cookie {name} without Secure/SameSite: {cookie[:80]}")
        if name == SESSION_COOKIE and "httponly" not in lowered:
            problems.append(f"{label}: session cookie without HttpOnly")
    return problems


def _role_for(allowed: frozenset[Role] | str) -> Role | None:
    if allowed == PUBLIC:
        return None
    if allowed == SIGNED_IN or isinstance(allowed, str):
        return Role.GEMEENTE_REGIE
    for role in (Role.GEMEENTE_REGIE, Role.CONTACTPUNT, Role.FG_AUDITOR, Role.HUB_ADMIN):
        if role in allowed:
            return role
    return next(iter(sorted(allowed)))


async def test_every_get_route_sends_the_security_headers(
    secure_app: Litestar, secure_settings: Settings, world: Any
) -> None:
    side = world.sides["A"]
    problems: list[str] = []
    routes = [r for r in enumerate_routes(secure_app) if r.method == "GET"]
    for route in routes:
        role = _role_for(route.allowed)
        values = {
            name: str(side.ids[ID_SOURCES[name][0]][0])
            for name, kind in route.params
            if kind == "uuid" and side.ids.get(ID_SOURCES.get(name, ("-",))[0])
        }
        path = fill_path(route, values, uuid.uuid4())
        async with AsyncTestClient(
            secure_app, base_url=BASE_URL, session_config=session_config(secure_settings)
        ) as client:
            if route.is_api:
                client.headers["Authorization"] = f"Bearer {side.api_token}"
            elif role is not None:
                use_session(client, (await world.sign_in(side, role)).cookie)
            response = await client.get(path, follow_redirects=False)
            problems += check_headers(
                f"{route.key} ({response.status_code})",
                response.headers,
                # The hub's theme stylesheet holds no personal data and is revalidated by ETag;
                # it answers 200 when the seeded hub has a theme (another test may have set one).
                route.path.startswith(("/static", "/huisstijl/")),
            )
    assert not problems, "\n".join(problems)
    print(f"\nheaders: {len(routes)} GET routes checked")


async def test_sign_in_sets_secure_cookies(secure_client: AsyncTestClient[Litestar]) -> None:
    """The anonymous pages that set cookies (CSRF on a form page)."""
    response = await secure_client.get("/auth/login")
    assert response.headers.get_list("set-cookie"), "the login form sets its CSRF cookie"
    assert not check_headers("/auth/login", response.headers, static=False)
