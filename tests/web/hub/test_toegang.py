"""Tenant access gates: hub staff only under a running processor agreement, and everyone
accepts the hub's current instructions before their first access to case data.

A fresh database: publishing instructions in the shared hub would gate every other test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from casushub.crosstenant.onboarding import meld_gemeente_aan
from casushub.platform.database import create_admin_engine
from casushub.platform.hub.instructies import publiceer
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub
from casushub.platform.registry import create_hub
from casushub.web.app import create_app, session_config
from casushub.web.auth.testing import create_signed_in_session
from hub.hubkit import aanmelding, cookies


@pytest.fixture
async def fresh(database_factory: Any) -> AsyncIterator[dict[str, Any]]:
    settings = await database_factory()
    engine = create_admin_engine(settings)
    await create_hub(engine, slug="poorthub", name="Poort-ZVH")
    async with engine.connect() as conn:
        hub_id = (await conn.execute(select(Hub.id))).scalar_one()
    app = create_app(settings)
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield {"settings": settings, "engine": engine, "hub_id": hub_id, "client": client}
    await engine.dispose()


async def test_hub_staff_need_running_processor_agreement(fresh: dict[str, Any]) -> None:
    engine, settings, hub_id = fresh["engine"], fresh["settings"], fresh["hub_id"]
    client: AsyncTestClient[Litestar] = fresh["client"]
    morgen = date.today() + timedelta(days=30)
    lopend = await meld_gemeente_aan(engine, settings, hub_id, aanmelding("7001"))
    later = await meld_gemeente_aan(
        engine, settings, hub_id, aanmelding("7002", verwerkersovereenkomst_start=morgen)
    )
    for tenant, verwacht in ((lopend, 200), (later, 403)):
        regisseur = await create_signed_in_session(
            engine,
            settings,
            role=Role.PROCESREGISSEUR,
            tenant_id=tenant.id,
            organisation_type=OrganisationType.HUB,
        )
        client.cookies.clear()
        client.cookies.update(cookies(regisseur))
        response = await client.get("/casusoverleg")
        assert response.status_code == verwacht, tenant.slug
        if verwacht == 403:
            assert "verwerkersovereenkomst met deze gemeente loopt niet" in response.text
    # The municipality's own staff are not hub staff: the agreement does not gate them.
    regie = await create_signed_in_session(engine, settings, tenant_id=later.id)
    client.cookies.clear()
    client.cookies.update(cookies(regie))
    assert (await client.get("/casusoverleg")).status_code == 200


async def test_instructions_accepted_before_case_data(fresh: dict[str, Any]) -> None:
    engine, settings, hub_id = fresh["engine"], fresh["settings"], fresh["hub_id"]
    client: AsyncTestClient[Litestar] = fresh["client"]
    tenant = await meld_gemeente_aan(engine, settings, hub_id, aanmelding("7003"))
    regie = await create_signed_in_session(engine, settings, tenant_id=tenant.id)
    client.cookies.update(cookies(regie))
    assert (await client.get("/casusoverleg")).status_code == 200  # no instructions yet
    async with engine.begin() as conn:
        await publiceer(conn, hub_id, "Versie één: deel alleen wat nodig is, en niets meer.", None)
    response = await client.get("/casusoverleg", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/instructies?volgende=%2Fcasusoverleg"
    htmx = await client.get("/casusoverleg", headers={"HX-Request": "true"})
    assert htmx.headers["hx-redirect"].startswith("/instructies")
    page = await client.get("/instructies?volgende=/casusoverleg")
    assert "Versie één" in page.text
    token = client.cookies.get("casushub_csrf") or ""
    weigering = await client.post(
        "/instructies/accepteren",
        data={"versie": "1", "volgende": "/casusoverleg"},
        headers={"x-csrftoken": token},
    )
    assert weigering.status_code == 422
    assert "Bevestig dat u de instructie heeft gelezen" in weigering.text
    ok = await client.post(
        "/instructies/accepteren",
        data={"versie": "1", "volgende": "/casusoverleg", "gelezen": "ja"},
        headers={"x-csrftoken": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == "/casusoverleg"
    assert (await client.get("/casusoverleg")).status_code == 200
    # A new version must be accepted again.
    async with engine.begin() as conn:
        await publiceer(conn, hub_id, "Versie twee: ook geen gegevens op papier meenemen.", None)
    response = await client.get("/casusoverleg", follow_redirects=False)
    assert response.status_code == 303
    # The FG sees who accepted which version.
    fg = await create_signed_in_session(engine, settings, role=Role.FG_AUDITOR, tenant_id=tenant.id)
    client.cookies.clear()
    client.cookies.update(cookies(fg))
    overzicht = await client.get("/fg/instructies")
    assert overzicht.status_code == 200
    assert '<td class="utrecht-table__cell">1</td>' in overzicht.text
