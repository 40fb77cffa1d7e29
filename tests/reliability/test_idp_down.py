"""The identity provider down: sign-in fails in Dutch, sessions already made keep working.

The app runs under uvicorn (on the session's test database); this test runs its own
development provider process (the session's ``dev_idp`` serves the
other tests and must stay up) with two issuers: one whose discovery the app has already
fetched and one it has never seen. With the provider stopped, both places where the app talks
to it are hit: the start of a sign-in at an unseen provider (discovery) and the callback of a
sign-in that was under way (token exchange). Afterwards the provider is started again on the
same ports and a sign-in succeeds without restarting the app.
"""

from __future__ import annotations

import asyncio
import html
import re
import secrets
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from faultkit import LiveApp, free_port
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp, node_config, start_dev_idp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.app import CSRF_COOKIE

CLIENT_ID = "casushub"


def _secret(key: str) -> str:
    return f"storing-geheim-{key}-0123456789"


def _start_idp(config_path: Path, base_port: int, rp_url: str) -> DevIdp:
    providers: list[dict[str, Any]] = [
        {"key": key, "client_secret": _secret(key), "users": [], "any_user": True}
        for key in ("bekend", "onbekend")
    ]
    config = node_config(providers, client_id=CLIENT_ID, base_port=base_port, rp_base_urls=[rp_url])
    return start_dev_idp(config, config_path)


async def _org(
    admin_engine: AsyncEngine, settings: Settings, issuer: str, key: str, tenant: TenantRef
) -> str:
    """A politie organisation signing in at ``issuer``; returns an invited e-mail address."""
    suffix = secrets.token_hex(3)
    domain = f"storing{suffix}.test"
    async with admin_engine.begin() as conn:
        org_id = await create_organisation(
            conn,
            slug=f"storing_{suffix}",
            name=f"Politie storing {suffix}",
            type="politie",
            email_domains=[domain],
        )
        await save_provider(
            conn,
            settings,
            organisation_id=org_id,
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=_secret(key),
        )
        email = f"agent@{domain}"
        await invite(
            conn, organisation_id=org_id, email=email, role=Role.PARTICIPANT, tenant_id=tenant.id
        )
    return email


async def _start_login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    await client.get("/auth/login")  # sets the CSRF cookie
    return await client.post(
        "/auth/login",
        data={"email": email, "volgende": "/werkruimte"},
        headers={"x-csrftoken": client.cookies.get(CSRF_COOKIE) or ""},
    )


def _forward_url(page: httpx.Response) -> str:
    match = re.search(r'<a id="doorgaan" href="([^"]+)"', page.text)
    assert match, page.text
    return html.unescape(match.group(1))


async def _authorize(authorization_url: str, login: str, rp_url: str) -> dict[str, str]:
    """The browser's part at the provider: login form, consent form, back to our callback."""
    async with httpx.AsyncClient(timeout=30) as idp:
        url = authorization_url
        for _ in range(12):
            response = await idp.get(url)
            if response.status_code not in (302, 303):
                assert response.status_code == 200, response.text
                action = re.search(r'action="([^"]+)"', response.text)
                prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
                assert action, response.text
                assert prompt, response.text
                data = {"prompt": prompt.group(1)}
                if prompt.group(1) == "login":
                    data |= {"login": login, "password": "wat-dan-ook"}
                response = await idp.post(urljoin(url, html.unescape(action.group(1))), data=data)
            url = urljoin(url, response.headers["location"])
            if url.startswith(rp_url):
                return dict(parse_qsl(urlsplit(url).query))
    raise AssertionError("de provider leidde niet terug naar de callback")


def _dutch_error(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 600, response.status_code
    assert response.status_code != 500, response.text[:1000]
    assert '<html lang="nl">' in response.text
    assert "Traceback" not in response.text
    assert "ConnectError" not in response.text
    assert "inlogdienst" in response.text.lower() or "inloggen" in response.text.lower()


async def test_provider_down_sign_in_refused_in_dutch_sessions_keep_working(
    admin_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    tmp_path: Path,
) -> None:
    port = free_port()
    rp_url = f"http://127.0.0.1:{port}"
    base_port = free_port()
    idp = await asyncio.to_thread(_start_idp, tmp_path / "idp.json", base_port, rp_url)
    app: LiveApp | None = None
    try:
        known = await _org(admin_engine, settings, idp.issuers["bekend"], "bekend", tenant_a)
        unseen = await _org(admin_engine, settings, idp.issuers["onbekend"], "onbekend", tenant_a)
        live = await asyncio.to_thread(
            LiveApp, settings, "fault-idp-server.log", port=port, BASE_URL=rp_url
        )
        app = live  # stopped in `finally`

        def browser() -> httpx.AsyncClient:
            return httpx.AsyncClient(base_url=rp_url, timeout=60)

        async with browser() as signed_in, browser() as halfway, browser() as newcomer:
            # An existing session, made while the provider is up.
            started = await _start_login(signed_in, known)
            assert started.status_code == 200, started.text
            params = await _authorize(_forward_url(started), known, rp_url)
            done = await signed_in.get("/auth/callback", params=params, follow_redirects=False)
            assert done.status_code == 303, done.text
            assert (await signed_in.get("/werkruimte")).status_code == 200

            # A sign-in under way: the provider has issued the code, the callback is pending.
            started = await _start_login(halfway, known)
            pending = await _authorize(
                _forward_url(started), f"tweede-{uuid.uuid4().hex[:6]}", rp_url
            )

            await asyncio.to_thread(idp.stop)

            # The token exchange finds the provider gone.
            callback = await halfway.get("/auth/callback", params=pending, follow_redirects=False)
            _dutch_error(callback)
            assert callback.status_code in (502, 503), callback.status_code
            # A provider the app has never contacted: discovery fails at the start.
            refused = await _start_login(newcomer, unseen)
            _dutch_error(refused)
            # The signed-in user is not affected: the session lives in our database.
            for path in ("/werkruimte", "/casusoverleg", "/auth/session"):
                page = await signed_in.get(path)
                assert page.status_code == 200, f"{path}: {page.status_code}"
            assert (await signed_in.get("/auth/session")).json()["signed_in"] is True

            # The provider comes back on the same ports: sign-in works again, no app restart.
            idp = await asyncio.to_thread(_start_idp, tmp_path / "idp.json", base_port, rp_url)
            newcomer.cookies.clear()
            started = await _start_login(newcomer, unseen)
            assert started.status_code == 200, started.text
            params = await _authorize(_forward_url(started), unseen, rp_url)
            done = await newcomer.get("/auth/callback", params=params, follow_redirects=False)
            assert done.status_code == 303, done.text
        assert live.alive()
    finally:
        if app is not None:
            await asyncio.to_thread(app.stop)
        await asyncio.to_thread(idp.stop)
