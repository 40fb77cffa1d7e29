"""Refusals through the real provider flow: state, PKCE, mix-up, return URL, fixation."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest
from idp_browser import (
    OrgFactory,
    authorize_at_idp,
    forward_url,
    sign_in,
    start_login,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.login import safe_return_path
from casushub.platform.identity.models import AdminAuditEntry, PendingLogin, WebSessionData
from casushub.platform.settings import Settings
from casushub.web.app import SESSION_COOKIE, create_app, session_config


async def _failures(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(AdminAuditEntry.details)
            .where(AdminAuditEntry.action == "inloggen_mislukt")
            .order_by(AdminAuditEntry.occurred_at)
        )
    return [details["reden"] for details in rows.scalars()]


def _state_of(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["state"]


async def test_unknown_domain_gets_a_dutch_message_without_listing_domains(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory
) -> None:
    known = await make_org("a")
    page = await start_login(browser, "iemand@onbekend-domein.test")
    assert page.status_code == 400
    assert "hoort niet bij een organisatie die op casushub is aangesloten" in page.text
    assert known.domain not in page.text


async def test_missing_state_is_refused(
    browser: AsyncTestClient[Litestar], admin_engine: AsyncEngine
) -> None:
    response = await browser.get("/auth/callback", params={"code": "x"})
    assert response.status_code == 400
    assert "Inloggen niet gelukt" in response.text
    assert (await _failures(admin_engine))[-1] == "missing_state"


async def test_replayed_state_is_refused(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory, admin_engine: AsyncEngine
) -> None:
    org = await make_org("a")
    started = await start_login(browser, org.email("replay"))
    params = await authorize_at_idp(forward_url(started), org.email("replay"))
    first = await browser.get("/auth/callback", params=params, follow_redirects=False)
    assert first.status_code == 303
    again = await browser.get("/auth/callback", params=params, follow_redirects=False)
    assert again.status_code == 400
    assert (await _failures(admin_engine))[-1] == "unknown_or_replayed_state"


async def test_expired_pending_login_is_refused(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory, admin_engine: AsyncEngine
) -> None:
    org = await make_org("a")
    started = await start_login(browser, org.email("traag"))
    url = forward_url(started)
    params = await authorize_at_idp(url, org.email("traag"))
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(PendingLogin)
            .where(PendingLogin.state == _state_of(url))
            .values(expires_at=PendingLogin.created_at)
        )
    response = await browser.get("/auth/callback", params=params, follow_redirects=False)
    assert response.status_code == 400
    assert (await _failures(admin_engine))[-1] == "state_expired"


async def test_wrong_code_verifier_is_refused_by_the_provider(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory, admin_engine: AsyncEngine
) -> None:
    org = await make_org("a")
    started = await start_login(browser, org.email("pkce"))
    url = forward_url(started)
    params = await authorize_at_idp(url, org.email("pkce"))
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(PendingLogin)
            .where(PendingLogin.state == _state_of(url))
            .values(code_verifier="x" * 64)
        )
    response = await browser.get("/auth/callback", params=params, follow_redirects=False)
    assert response.status_code == 400
    assert (await _failures(admin_engine))[-1] == "token_endpoint:invalid_grant"


async def test_authorization_response_of_provider_a_for_a_login_started_at_b(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory, admin_engine: AsyncEngine
) -> None:
    org_a, org_b = await make_org("a"), await make_org("b")
    at_a = forward_url(await start_login(browser, org_a.email("menger")))
    at_b = forward_url(await start_login(browser, org_b.email("menger")))
    from_a = await authorize_at_idp(at_a, org_a.email("menger"))
    assert from_a["iss"] == org_a.issuer

    # A's code and issuer with B's state: RFC 9207 issuer check.
    mixed = {**from_a, "state": _state_of(at_b)}
    response = await browser.get("/auth/callback", params=mixed, follow_redirects=False)
    assert response.status_code == 400
    assert (await _failures(admin_engine))[-1] == "issuer_mismatch"

    # Same, with the issuer parameter stripped (a provider without RFC 9207): B's token
    # endpoint does not know A's code.
    at_b = forward_url(await start_login(browser, org_b.email("menger")))
    from_a = await authorize_at_idp(
        forward_url(await start_login(browser, org_a.email("menger"))), org_a.email("menger")
    )
    stripped = {"code": from_a["code"], "state": _state_of(at_b)}
    response = await browser.get("/auth/callback", params=stripped, follow_redirects=False)
    assert response.status_code == 400
    assert (await _failures(admin_engine))[-1] in {"issuer_missing", "token_endpoint:invalid_grant"}


@pytest.mark.parametrize(
    "target", ["https://kwaadwillend.test/", "//kwaadwillend.test/pad", "/\\kwaadwillend.test"]
)
async def test_external_return_url_is_replaced_by_the_start_page(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory, target: str
) -> None:
    org = await make_org("a")
    done = await sign_in(browser, org.email("terug"), volgende=target)
    assert done.status_code == 303
    # No access yet → the no-access page; the unsafe target is gone either way.
    assert done.headers["location"] in {"/", "/auth/geen-toegang"}
    assert safe_return_path(target) == "/"


def test_local_return_paths_are_kept() -> None:
    assert safe_return_path("/werkruimte?tab=casussen") == "/werkruimte?tab=casussen"
    assert safe_return_path("javascript:alert(1)") == "/"
    assert safe_return_path("/\x0d\x0aSet-Cookie:x") == "/"


async def test_session_id_before_sign_in_is_not_the_one_after(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
) -> None:
    org = await make_org("a")
    planted = "a" * 64  # an attacker's session id, planted in the victim's browser
    async with admin_engine.begin() as conn:
        await conn.execute(insert(WebSessionData).values(key=planted, value=b'{"x": 1}'))
    browser.cookies.set(SESSION_COOKIE, planted)
    done = await sign_in(browser, org.email("fixatie"))
    assert done.status_code == 303
    after = done.cookies.get(SESSION_COOKIE) or browser.cookies.get(SESSION_COOKIE)
    assert after
    assert after != planted
    async with admin_engine.connect() as conn:
        left = await conn.execute(select(WebSessionData.key).where(WebSessionData.key == planted))
        assert left.first() is None
    # The planted id signs no one in; the new one does.
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, planted)
    assert (await browser.get("/auth/session")).json()["signed_in"] is False
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, after)
    assert (await browser.get("/auth/session")).json()["signed_in"] is True


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never answers (a hanging provider)."""
    server = await asyncio.start_server(lambda r, w: asyncio.sleep(3600), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_provider_down_or_slow_gives_a_dutch_page_not_a_500(
    rp_settings: Settings, make_org: OrgFactory, silent_port: int
) -> None:
    settings = replace(rp_settings, oidc_timeout_seconds=0.5)
    slow = await make_org("a", issuer=f"http://127.0.0.1:{silent_port}")
    down = await make_org("a", issuer=f"http://127.0.0.1:{_free_port()}")
    app = create_app(settings)
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        for org in (slow, down):
            page = await start_login(client, org.email("wacht"))
            assert page.status_code == 503
            assert "niet bereikbaar" in page.text
