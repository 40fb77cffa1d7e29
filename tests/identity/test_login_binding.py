"""Login CSRF: a pending sign-in belongs to the browser that started it.

An attacker who starts a sign-in in their own browser and lures someone into opening the
callback URL (code and state) must not sign that browser in, nor end its session; the code
is not even redeemed, so the browser that started the sign-in can still finish it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from idp_browser import (
    OrgFactory,
    authorize_at_idp,
    forward_url,
    last_login_failure,
    sign_in,
    start_login,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import IdentitySession, PendingLogin
from casushub.platform.identity.pending_login import pre_login_cookie_name
from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config


async def test_callback_opened_in_another_browser_is_refused_before_the_code_is_used(
    browser: AsyncTestClient[Litestar],
    rp_settings: Settings,
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
) -> None:
    org = await make_org("a")
    # The attacker's browser starts the sign-in and gets a code for the attacker's account.
    started = await start_login(browser, org.email("aanvaller"))
    params = await authorize_at_idp(forward_url(started), org.email("aanvaller"))
    # Another browser; its own app instance too (a test client runs the app's lifespan).
    victim_app = create_app(rp_settings)
    async with AsyncTestClient(victim_app, session_config=session_config(rp_settings)) as victim:
        lured = await victim.get("/auth/callback", params=params, follow_redirects=False)
        assert lured.status_code == 400, lured.text
        assert "Inloggen niet gelukt" in lured.text
        assert "andere browser" in lured.text
        assert await last_login_failure(admin_engine) == "browser_missing"
        assert (await victim.get("/auth/session")).json()["signed_in"] is False
    # Refused before the code was redeemed: the browser that started it can still finish.
    done = await browser.get("/auth/callback", params=params, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert (await browser.get("/auth/session")).json()["user"]["email"] == org.email("aanvaller")


async def test_replayed_callback_does_not_replace_the_session_of_a_signed_in_browser(
    browser: AsyncTestClient[Litestar],
    rp_settings: Settings,
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
) -> None:
    org = await make_org("a")
    # Another browser; its own app instance too (a test client runs the app's lifespan).
    victim_app = create_app(rp_settings)
    async with AsyncTestClient(victim_app, session_config=session_config(rp_settings)) as victim:
        assert (await sign_in(victim, org.email("slachtoffer"))).status_code == 303
        started = await start_login(browser, org.email("aanvaller2"))
        params = await authorize_at_idp(forward_url(started), org.email("aanvaller2"))
        lured = await victim.get("/auth/callback", params=params, follow_redirects=False)
        assert lured.status_code == 400, lured.text
        # The victim's browser has a pre-login cookie of its own (from its own sign-in), so
        # this is the mismatch, not a browser without any pending sign-in.
        assert victim.cookies.get(pre_login_cookie_name(rp_settings.secure_cookies))
        assert await last_login_failure(admin_engine) == "browser_mismatch"
        status = (await victim.get("/auth/session")).json()
        assert status["signed_in"] is True
        assert status["user"]["email"] == org.email("slachtoffer")
    async with admin_engine.connect() as conn:
        ended = await conn.execute(
            select(IdentitySession.end_reason).where(
                IdentitySession.organisation_id == org.id,
                IdentitySession.end_reason.is_not(None),
            )
        )
        assert ended.first() is None


async def test_pre_login_cookie_is_short_lived_http_only_lax_and_only_hashed_at_rest(
    rp_settings: Settings, make_org: OrgFactory, admin_engine: AsyncEngine
) -> None:
    settings = replace(rp_settings, secure_cookies=True)
    org = await make_org("a")
    # Over https: the client sends the (Secure) CSRF cookie back only there.
    async with AsyncTestClient(
        create_app(settings),
        base_url="https://testserver.local",
        session_config=session_config(settings),
    ) as client:
        started = await start_login(client, org.email("koekje"))
        assert started.status_code == 200, started.text
        # Secure cookies: the __Host- prefix, so no sibling domain can plant its own value.
        name = pre_login_cookie_name(secure=True)
        assert name.startswith("__Host-")
        headers = [h for h in started.headers.get_list("set-cookie") if h.startswith(name + "=")]
        assert len(headers) == 1, started.headers.get_list("set-cookie")
        attributes = {part.strip().split("=")[0].lower() for part in headers[0].split(";")}
        assert {"httponly", "secure", "path"} <= attributes
        assert "samesite=lax" in headers[0].lower()
        max_age = int(headers[0].lower().split("max-age=")[1].split(";")[0])
        assert 0 < max_age <= 600
        value = headers[0].split(";")[0].split("=", 1)[1]
        state = dict(parse_qsl(urlsplit(forward_url(started)).query))["state"]
    async with admin_engine.connect() as conn:
        stored = (
            await conn.execute(select(PendingLogin.browser_hash).where(PendingLogin.state == state))
        ).scalar_one()
    assert stored == hashlib.sha256(value.encode()).hexdigest()
    assert value not in stored


async def test_two_sign_ins_started_in_one_browser_both_finish(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory
) -> None:
    org = await make_org("a")
    first = forward_url(await start_login(browser, org.email("tab1")))
    second = forward_url(await start_login(browser, org.email("tab2")))
    params_first = await authorize_at_idp(first, org.email("tab1"))
    params_second = await authorize_at_idp(second, org.email("tab2"))
    done = await browser.get("/auth/callback", params=params_first, follow_redirects=False)
    assert done.status_code == 303, done.text
    done = await browser.get("/auth/callback", params=params_second, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert (await browser.get("/auth/session")).json()["user"]["email"] == org.email("tab2")
