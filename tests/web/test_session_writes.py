"""A page view that leaves the server-side session as it was writes nothing (issue 11)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import WebSessionData
from casushub.platform.tenancy import TenantRef


async def _row(admin_engine: AsyncEngine, key: str) -> tuple[bytes, Any]:
    async with admin_engine.connect() as conn:
        row = (
            await conn.execute(
                select(WebSessionData.value, WebSessionData.expires_at).where(
                    WebSessionData.key == key
                )
            )
        ).one()
    return row.value, row.expires_at


async def test_unchanged_session_is_not_rewritten_and_keeps_working(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
) -> None:
    key = str((await sign_in_as(client, tenant_a)).cookie)
    # The first page view may settle the session (the active context is chosen for a user
    # with one membership); after that the same view changes nothing.
    assert (await client.get("/casusoverleg")).status_code == 200
    before = await _row(admin_engine, key)
    for _ in range(2):
        page = await client.get("/casusoverleg")
        assert page.status_code == 200
        assert "set-cookie" not in {k.lower() for k in page.headers}, "no new cookie"
    assert await _row(admin_engine, key) == before, "no write of the session row"

    # Signing out empties the session: that change is written (the row is gone).
    page = await client.get("/casusoverleg")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "the page carries a CSRF token"
    await client.post("/auth/logout", data={"_csrf_token": token.group(1)})
    async with admin_engine.connect() as conn:
        left = await conn.scalar(select(WebSessionData.value).where(WebSessionData.key == key))
    assert left is None
