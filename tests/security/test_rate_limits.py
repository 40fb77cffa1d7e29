"""Rate limits on the public entry points: sign-in start, callback and the contactpunt form.

The counts live in PostgreSQL (shared by all web processes) and are keyed with the app's
secret: each test's app gets a secret of its own, so other tests' sign-ins do not count.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import csrf_token

from casushub.platform.settings import Settings
from casushub.web.app import CSRF_HEADER, create_app, session_config

LIMITS = {"login_limiet_client": 8, "login_limiet_account": 3, "contactpunt_limiet_client": 4}
DUTCH = "te vaak"


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    # A fresh secret per test: the counts are keyed by it, so every test starts at zero.
    small = replace(settings, secret_key=secrets.token_hex(24), **LIMITS)  # type: ignore[arg-type]
    async with AsyncTestClient(create_app(small), session_config=session_config(small)) as client:
        yield client


def _refused(response: Any) -> bool:
    if response.status_code != 429:
        return False
    assert "Retry-After" in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "Te veel verzoeken" in response.text
    return True


async def test_login_start_is_limited_per_account_and_per_client(
    limited: AsyncTestClient[Litestar],
) -> None:
    token = await csrf_token(limited)

    async def start(email: str) -> Any:
        return await limited.post(
            "/auth/login", data={"email": email}, headers={CSRF_HEADER: token}
        )

    for _ in range(LIMITS["login_limiet_account"]):
        assert not _refused(await start("iemand@onbekend.test"))
    refused = await start("Iemand@Onbekend.test ")
    assert _refused(refused), refused.status_code
    assert DUTCH in refused.text
    # Another account from the same client still gets through, until the client's limit (a
    # refused attempt does not count).
    for counted in range(LIMITS["login_limiet_account"], LIMITS["login_limiet_client"]):
        assert not _refused(await start(f"ander{counted}@onbekend.test"))
    assert _refused(await start("nog.een@onbekend.test"))


async def test_callback_is_limited_per_client(limited: AsyncTestClient[Litestar]) -> None:
    statuses = [
        (await limited.get("/auth/callback", params={"code": "x", "state": "y"})).status_code
        for _ in range(LIMITS["login_limiet_client"])
    ]
    assert 429 not in statuses, statuses
    refused = await limited.get("/auth/callback", params={"code": "x", "state": "y"})
    assert _refused(refused)
    assert DUTCH in refused.text


async def test_contactpunt_form_is_limited_per_client(
    limited: AsyncTestClient[Litestar], world: Any
) -> None:
    slug = world.sides["A"].tenant.slug
    token = await csrf_token(limited)
    for _ in range(LIMITS["contactpunt_limiet_client"]):
        response = await limited.post(f"/contactpunt/{slug}", data={}, headers={CSRF_HEADER: token})
        assert response.status_code == 422
    assert _refused(
        await limited.post(f"/contactpunt/{slug}", data={}, headers={CSRF_HEADER: token})
    )
