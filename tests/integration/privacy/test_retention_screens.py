"""The retention periods screen and the deletion receipts, over HTTP with a signed-in regie
and FG: a change needs a choice, a number and a reason (422 with the input kept), is kept
with its reason, and the placeholder periods say so; receipts show no personal data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from privacykit import FreshTenant
from retentiekit import SYSTEEM, afgesloten_casus
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.bewaartermijnen.services import bewaarparameters
from casushub.tenants.bewaartermijnen.sweep import vernietig
from casushub.web.app import create_app, session_config
from casushub.web.auth.testing import SignedIn

Client = AsyncTestClient[Litestar]
_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar, settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client


def _token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def test_regie_changes_a_period_with_its_reason(
    client: Client,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
    fresh_tenant: FreshTenant,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    tenant = await fresh_tenant()
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)
    page = await client.get("/bewaartermijnen")
    assert page.status_code == 200
    # Every period is still the placeholder, and says so.
    assert page.text.count("– <strong>voorlopig</strong>") == 3
    token = _token(page.text)

    refused = await client.post(
        "/bewaartermijnen",
        data={"_csrf_token": token, "sleutel": "", "jaren": "zeven", "reden": "advies jurist"},
    )
    assert refused.status_code == 422
    assert "Kies welke bewaartermijn u wijzigt." in refused.text
    assert "Vul een aantal jaren in" in refused.text
    assert "advies jurist" in refused.text  # the input is kept

    zonder_reden = await client.post(
        "/bewaartermijnen",
        data={"_csrf_token": token, "sleutel": "casus", "jaren": "7", "reden": " "},
    )
    assert zonder_reden.status_code == 422
    assert "Geef de reden van de wijziging op" in zonder_reden.text

    te_kort = await client.post(
        "/bewaartermijnen",
        data={"_csrf_token": token, "sleutel": "verwerkingenlog", "jaren": "0", "reden": "x"},
    )
    assert te_kort.status_code == 422
    assert "Kies een termijn van 1 tot 30 jaar." in te_kort.text

    saved = await client.post(
        "/bewaartermijnen",
        data={
            "_csrf_token": token,
            "sleutel": "casus",
            "jaren": "7",
            "reden": "Advies juridisch adviseur 12-2026",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "De bewaartermijn is gewijzigd." in shown.text
    assert "Advies juridisch adviseur 12-2026" in shown.text
    assert shown.text.count("– <strong>voorlopig</strong>") == 2
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await bewaarparameters(session) == {"casus": 7}


async def test_fg_reads_periods_but_does_not_change_them(
    client: Client, sign_in_as: Callable[..., Awaitable[SignedIn]], fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    await sign_in_as(client, tenant, Role.FG_AUDITOR)
    page = await client.get("/bewaartermijnen")
    assert page.status_code == 200
    assert "Termijn wijzigen" not in page.text
    refused = await client.post(
        "/bewaartermijnen",
        data={"_csrf_token": _token(page.text), "sleutel": "casus", "jaren": "1", "reden": "x"},
    )
    assert refused.status_code == 403


async def test_receipts_list_without_personal_data(
    client: Client,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
    fresh_tenant: FreshTenant,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Ria Receptie")
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert [k.record_id for k in ronde.vernietigd] == [due.casus_id]
    for role in (Role.FG_AUDITOR, Role.GEMEENTE_REGIE):
        await sign_in_as(client, tenant, role)
        page = await client.get("/bewaartermijnen/vernietigingsbewijzen")
        assert page.status_code == 200
        assert str(due.casus_id) in page.text
        assert "casus: 5 jaar na afsluiting van de casus" in page.text
        assert "Ria" not in page.text
        assert "Receptie" not in page.text
