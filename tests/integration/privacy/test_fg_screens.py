"""The FG's screens and the regie's dry run, through the real app with a signed-in session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from privacykit import ACTOR, FreshTenant, write_entries
from retentiekit import afgesloten_casus
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.web.app import create_app, session_config

SignIn = Callable[..., Awaitable[Any]]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(
        create_app(settings), session_config=session_config(settings)
    ) as client:
        yield client


async def test_fg_sees_who_saw_a_casus_and_exports_the_period(
    client: AsyncTestClient[Litestar],
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
    sign_in_as: SignIn,
) -> None:
    tenant = await fresh_tenant()
    (casus_id,) = await write_entries(app_engine, settings, tenant, 1)
    await sign_in_as(client, tenant, role=Role.FG_AUDITOR)

    index = await client.get("/fg")
    assert index.status_code == 200
    assert "Wie heeft casus N gezien?" in index.text

    answer = await client.get("/fg/casus", params={"casus": str(casus_id)})
    assert answer.status_code == 200
    assert str(ACTOR.user_id) in answer.text
    assert answer.headers["cache-control"] == "no-store"

    wrong = await client.get("/fg/casus", params={"casus": "geen-kenmerk"})
    assert "Vul het kenmerk van de casus in" in wrong.text

    # Periods are whole days in Dutch time (UTC's date differs around midnight).
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    export = await client.get("/fg/export", params={"van": today, "tot": today, "vorm": "json"})
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    records = json.loads(export.text)["dataverwerkingen"]
    names = [r["name"] for r in records]
    assert "casus.read" in names
    assert "verwerkingenlog.read" in names  # the FG's own question, logged

    csv_export = await client.get("/fg/export", params={"van": today, "tot": today})
    assert csv_export.text.startswith("volgnummer,tijdstip,")


async def test_the_log_screens_are_for_the_fg_only(
    client: AsyncTestClient[Litestar], fresh_tenant: FreshTenant, sign_in_as: SignIn
) -> None:
    tenant = await fresh_tenant()
    await sign_in_as(client, tenant, role=Role.GEMEENTE_REGIE)
    assert (await client.get("/fg")).status_code == 403
    assert (await client.get("/fg/export?van=2026-01-01&tot=2026-01-02")).status_code == 403


async def test_regie_sees_next_weeks_destruction(
    client: AsyncTestClient[Litestar],
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
    sign_in_as: SignIn,
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Petra Proef")
    await sign_in_as(client, tenant, role=Role.GEMEENTE_REGIE)
    page = await client.get("/bewaartermijnen/proefrun")
    assert page.status_code == 200
    assert str(due.casus_id) in page.text
    assert "voorlopig" in page.text
    # Looking destroyed nothing.
    again = await client.get("/bewaartermijnen/proefrun")
    assert str(due.casus_id) in again.text
