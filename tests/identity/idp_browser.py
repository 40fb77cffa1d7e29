"""A scripted browser for the sign-in flow: casushub's forms and the provider's forms, and
the reason the audit trail gives for the last refused sign-in."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import AdminAuditEntry
from casushub.web.app import CSRF_COOKIE

# As registered at the development provider by the session fixture ``dev_idp``.
TEST_RP_URL = "http://testserver.local"
TEST_CLIENT_ID = "casushub"


@dataclass(frozen=True)
class Org:
    id: uuid.UUID
    slug: str
    domain: str
    issuer: str
    provider_key: str

    def email(self, name: str) -> str:
        return f"{name}@{self.domain}"


OrgFactory = Callable[..., Awaitable[Org]]


def csrf_headers(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get(CSRF_COOKIE) or ""}


async def start_login(
    client: AsyncTestClient[Litestar], email: str, volgende: str = "/"
) -> httpx.Response:
    await client.get("/auth/login")  # sets the CSRF cookie
    return await client.post(
        "/auth/login", data={"email": email, "volgende": volgende}, headers=csrf_headers(client)
    )


def forward_url(page: httpx.Response) -> str:
    match = re.search(r'<a id="doorgaan" href="([^"]+)"', page.text)
    assert match, page.text
    return html.unescape(match.group(1))


async def authorize_at_idp(authorization_url: str, login: str) -> dict[str, str]:
    """Play the browser at the provider: login form, consent form, back to the callback."""
    async with httpx.AsyncClient(timeout=10) as idp:
        url = authorization_url
        for _ in range(12):
            response = await idp.get(url)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                if url.startswith(TEST_RP_URL):
                    return dict(parse_qsl(urlsplit(url).query))
                continue
            assert response.status_code == 200, response.text
            action = re.search(r'action="([^"]+)"', response.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
            assert action, response.text
            assert prompt, response.text
            data = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                data |= {"login": login, "password": "wat-dan-ook"}
            posted = await idp.post(urljoin(url, html.unescape(action.group(1))), data=data)
            assert posted.status_code in (302, 303), posted.text
            url = urljoin(url, posted.headers["location"])
            if url.startswith(TEST_RP_URL):
                return dict(parse_qsl(urlsplit(url).query))
    msg = "provider flow did not reach the callback"
    raise AssertionError(msg)


async def sign_in(
    client: AsyncTestClient[Litestar], email: str, *, login: str | None = None, volgende: str = "/"
) -> httpx.Response:
    """The whole flow; returns casushub's answer to the callback."""
    started = await start_login(client, email, volgende)
    assert started.status_code == 200, started.text
    params = await authorize_at_idp(forward_url(started), login or email)
    return await client.get("/auth/callback", params=params, follow_redirects=False)


async def last_login_failure(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        details = (
            await conn.execute(
                select(AdminAuditEntry.details)
                .where(AdminAuditEntry.action == "inloggen_mislukt")
                .order_by(AdminAuditEntry.occurred_at.desc())
                .limit(1)
            )
        ).scalar_one()
    return str(details["reden"])
