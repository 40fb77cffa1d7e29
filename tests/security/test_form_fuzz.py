"""Hypothesis against every form endpoint (enumerated unsafe routes): hostile text in every
field the form shows plus the usual names. Expected: never a 5xx, and every payload that comes
back in a page comes back escaped."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from secroutes import UNSAFE, Route, enumerate_routes, form_path, form_role

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.web.app import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, create_app, session_config

# Raw markup that must never come back unescaped; the marker finds it in the page.
MARKER = "fz" + uuid.uuid4().hex[:10]
ACTIVE = [
    f"<script>{MARKER}()</script>",
    f'"><img src=x onerror={MARKER}>',
    f"<svg onload={MARKER}>",
    f"'><a href=x>{MARKER}</a>",
]
# Harmless as text, dangerous only as a link target or source.
LINK = f"javascript:{MARKER}()"
_AS_LINK = re.compile(rf"(href|src|action|formaction)\s*=\s*[\"']?\s*javascript:{MARKER}")
TRICKS = [
    "\u202e" + "gnp.exe",  # right-to-left override
    "a\u200bb\u200dc\ufeff",  # zero-width characters
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\x00\x01\x1b[31m\x7f",  # control characters, NUL included
    "\ud7ff\ue000\U0010ffff",  # edges of the code space
    "１２３４５６７８９",  # fullwidth digits
    "' OR 1=1 --",
    "{{7*7}}{% raw %}",
]
PER_ROUTE = 8
FIELDS = ["tekst", "naam", "omschrijving", "reden", "email", "q", "datum", "categorie", "doel"]
_INPUT_NAME = re.compile(r'name="([A-Za-z_][\w.-]*)"')

hostile_text = st.one_of(
    st.sampled_from([*ACTIVE, LINK]),
    st.sampled_from(TRICKS),
    st.text(min_size=0, max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2000, max_size=6000),
    st.builds(lambda a, b: a + b, st.sampled_from(ACTIVE), st.sampled_from(TRICKS)),
)


async def test_forms_survive_hostile_input(
    settings: Settings, new_world: Callable[[], Awaitable[Any]]
) -> None:
    # Its own world: the fuzzing publishes hub instructions and ends sessions, which would
    # send later tests of the shared world to the instructions or the login page.
    world = await new_world()
    # Own app: the fuzzing must not trip the shared app's rate limits for other tests.
    own = replace(settings, contactpunt_limiet_client=10_000, login_limiet_client=10_000)
    app: Litestar = create_app(own)
    side = world.sides["A"]
    routes = [
        r
        for r in enumerate_routes(app)
        if r.method in UNSAFE and not r.is_api and r.key != "POST /auth/logout"
    ]
    # Sessions made here (the test's loop); the fuzzing runs in a thread with its own client.
    cookies = {role: (await world.sign_in(side, role)).cookie for role in Role}
    fields: dict[str, list[str]] = {}
    seen: list[str] = []
    current: list[Route] = []

    def fuzz() -> None:
        with TestClient(app, session_config=session_config(own)) as client:
            client.get("/toegankelijkheid")
            token = client.cookies[CSRF_COOKIE]

            def sign_in(role: Role | None) -> None:
                if role is None:
                    client.cookies.delete(SESSION_COOKIE)
                    return
                client.cookies.set(SESSION_COOKIE, cookies[role])

            def names(route: Route, path: str) -> list[str]:
                if route.key not in fields:
                    page = client.get(path)
                    found = (
                        set(_INPUT_NAME.findall(page.text)) if page.status_code == 200 else set()
                    )
                    fields[route.key] = sorted((found | set(FIELDS)) - {"_csrf_token"})
                return fields[route.key]

            @hsettings(
                max_examples=PER_ROUTE,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                database=None,
            )
            @given(data=st.data())
            def one(data: st.DataObject) -> None:
                route = data.draw(st.sampled_from(current), label="route")
                sign_in(form_role(route))
                path = form_path(route, side)
                form = {name: data.draw(hostile_text, label=name) for name in names(route, path)}
                response = client.request(
                    route.method, path, data=form, headers={CSRF_HEADER: token}
                )
                seen.append(route.key)
                assert response.status_code < 500, (route.key, response.status_code, form)
                for payload in ACTIVE:
                    assert payload not in response.text, (route.key, "unescaped", payload)
                assert not _AS_LINK.search(response.text), (route.key, "javascript: link")

            for route in routes:
                current[:] = [route]
                one()

    await asyncio.to_thread(fuzz)
    print(f"\nform fuzz: {len(seen)} cases over {len(set(seen))} of {len(routes)} form routes")
