"""The FG finds a casus by name, and the search and every casus it shows are logged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bouwstenen import casus, hub_id, partijen
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.verwerkingenlog.models import Verwerking


async def test_fg_finds_a_casus_by_name_and_the_search_is_logged(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    tenant = await fresh_tenant()
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    casus_id, _ = await casus(
        app_engine, settings, tenant, "Zoë Zoekvraag", [(orgs.politie, "politie")]
    )
    fg = await sign_in_as(client, tenant, Role.FG_AUDITOR)
    page = await client.get("/fg/casus", params={"naam": "zoekvr"})
    assert page.status_code == 200
    assert "Zoë Zoekvraag" in page.text
    assert f'href="/fg/casus?casus={casus_id}"' in page.text
    te_kort = await client.get("/fg/casus", params={"naam": " z "})
    assert "Vul minstens twee letters van de naam in." in te_kort.text
    assert 'href="#casus-naam"' in te_kort.text
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        gelogd = (
            await s.execute(
                select(Verwerking.casus_id, Verwerking.detail).where(
                    Verwerking.user_id == fg.user_id
                )
            )
        ).all()
    assert (casus_id, None) in gelogd
    assert (None, "zoeken op naam: 1 treffers") in gelogd
    # Nobody else searches the log by name.
    client.cookies.clear()
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)
    assert (await client.get("/fg/casus", params={"naam": "zoekvr"})).status_code == 403
