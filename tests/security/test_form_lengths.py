"""Every form route, every field it shows, an over-long value: refused at the edge with a 422
that keeps the input (casushub.web.invoer), never a 5xx; a value of exactly a column's maximum
is never a 5xx either (a smaller column under the same name would show up here).

The routes come from the app's route table, so a form added anywhere is walked without touching
this test; it asserts how many routes and fields it tried, so a walk that reached nothing fails.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import UNSAFE, csrf_token, enumerate_routes, form_path, form_role

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.web.app import CSRF_HEADER, SESSION_COOKIE, create_app, session_config
from casushub.web.invoer import MAX_VRIJE_TEKST, maximum_lengte

# Fields tried where the route's own page shows no form (a POST-only address).
FIELDS = ["naam", "omschrijving", "reden", "tekst", "email"]
_INPUT_NAME = re.compile(r'<(?:input|textarea|select)[^>]*\sname="([A-Za-z_][\w.-]*)"')
# Not form input: the CSRF token, and a file field (checked by test_uploads.py).
_SKIP = {"_csrf_token", "bestand", "logo"}
EDGE_PAGE = "De invoer is te lang"
# Floors: the route table has about 60 form routes, and every one must refuse at the edge.
MIN_ROUTES = 50
MIN_FIELDS = 200


async def test_every_form_field_has_a_maximum_at_the_edge(settings: Settings, world: Any) -> None:
    # Own app: hundreds of posts must not trip the shared app's rate limits for other tests.
    own = replace(settings, contactpunt_limiet_client=100_000, login_limiet_client=100_000)
    app: Litestar = create_app(own)
    side = world.sides["A"]
    routes = [
        r
        for r in enumerate_routes(app)
        if r.method in UNSAFE and not r.is_api and r.key != "POST /auth/logout"
    ]
    cookies = {role: (await world.sign_in(side, role)).cookie for role in Role}

    refused: dict[str, list[str]] = {}
    failures: list[str] = []
    async with AsyncTestClient(app, session_config=session_config(own)) as client:
        token = await csrf_token(client)
        for route in routes:
            role = form_role(route)
            if role is None:
                client.cookies.delete(SESSION_COOKIE)
            else:
                client.cookies.set(SESSION_COOKIE, cookies[role])
            path = form_path(route, side)
            page = await client.get(path)
            shown = set(_INPUT_NAME.findall(page.text)) if page.status_code == 200 else set()
            names = sorted((shown - _SKIP) or set(FIELDS))
            for name in names:
                maximum = maximum_lengte(name)
                too_long = await client.request(
                    route.method,
                    path,
                    data={name: "x" * (maximum + 1)},
                    headers={CSRF_HEADER: token},
                )
                if too_long.status_code >= 500:
                    failures.append(f"{route.key} {name}={maximum + 1}: {too_long.status_code}")
                elif too_long.status_code == 422 and EDGE_PAGE in too_long.text:
                    # The value comes back in the page: nothing typed is lost.
                    assert "x" * (maximum + 1) in too_long.text, (route.key, name)
                    assert f'maxlength="{maximum}"' in too_long.text, (route.key, name)
                    refused.setdefault(route.key, []).append(name)
                else:
                    failures.append(f"{route.key} {name}: {too_long.status_code}, not refused")
                if maximum == MAX_VRIJE_TEKST or name not in shown:
                    # Only a field the route's own form shows, with a column's maximum: free
                    # text has no smaller column under its name, and a post that fits could
                    # change shared state (publish instructions, revoke a token) for later tests.
                    continue
                just_fits = await client.request(
                    route.method, path, data={name: "x" * maximum}, headers={CSRF_HEADER: token}
                )
                if just_fits.status_code >= 500:
                    failures.append(f"{route.key} {name}={maximum}: {just_fits.status_code}")
    tried = sum(len(v) for v in refused.values())
    print(
        f"\nform lengths: {tried} fields refused at the edge, {len(refused)}/{len(routes)} routes"
    )
    assert not failures, failures
    assert len(routes) >= MIN_ROUTES, len(routes)
    assert set(refused) == {r.key for r in routes}, sorted({r.key for r in routes} - set(refused))
    assert tried >= MIN_FIELDS, tried


async def test_signal_form_keeps_a_long_name_and_address(
    app: Litestar, settings: Settings, world: Any
) -> None:
    """The reported crash: a name of 255 and an address of 1,000 characters on the signal form
    gave a 500. Now a 422 that names the maximum and keeps every value typed."""
    side = world.sides["A"]
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        client.cookies.set(SESSION_COOKIE, (await world.sign_in(side, Role.GEMEENTE_REGIE)).cookie)
        token = await csrf_token(client)
        form = {
            "naam": "N" * 255,
            "geboortedatum": "01-02-1990",
            "gemeente_van_verblijf": "0000",
            "adres": "A" * 1000,
            "aliassen": "",
            "omschrijving": "Zorgen over uitlatingen op school.",
            "ontvangen_op": "05-03-2026",
        }
        response = await client.post(
            "/casusoverleg/signalen/nieuw", data=form, headers={CSRF_HEADER: token}
        )
        assert response.status_code == 422
        assert f"mag maximaal {maximum_lengte('naam')} tekens bevatten" in response.text
        for value in form.values():
            assert value in response.text
        # The page posts the whole submission back to the same form.
        assert 'action="/casusoverleg/signalen/nieuw"' in response.text
        assert 'name="_csrf_token"' in response.text


async def test_form_fields_carry_their_maximum(
    app: Litestar, settings: Settings, world: Any
) -> None:
    side = world.sides["A"]
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        client.cookies.set(SESSION_COOKIE, (await world.sign_in(side, Role.GEMEENTE_REGIE)).cookie)
        page = await client.get("/casusoverleg/signalen/nieuw")
    assert page.status_code == 200
    for name in ("naam", "adres", "omschrijving"):
        field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page.text)
        assert field is not None, name
        assert f'maxlength="{maximum_lengte(name)}"' in field.group(0), name
