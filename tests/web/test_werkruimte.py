"""The werkruimte and the main navigation per role (signed in without the provider)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.lifecycle import export_dir
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import SignedIn, create_signed_in_session
from casushub.web.navigation import HOOFDMENU


def _menu(html: str) -> list[str]:
    nav = re.search(
        r'<nav class="utrecht-nav-bar site-nav" aria-label="Hoofdmenu">(.*?)</nav>', html, re.S
    )
    assert nav, "geen hoofdmenu op de pagina"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize(
    ("role", "kop", "telling"),
    [
        (Role.GEMEENTE_REGIE, "Casusoverleg", "Te wegen signalen"),
        (Role.CONTACTPUNT, "Verzoeken van betrokkenen", "Open verzoeken"),
        (Role.PARTICIPANT, "Casusoverleg", "Lopende casussen"),
        (Role.INVITED_PARTY, "Uitnodigingen", "Geheimhouding nog te accepteren"),
        (Role.FG_AUDITOR, "Vragen aan het verwerkingenlog", "Wie heeft een casus gezien?"),
    ],
)
async def test_each_municipality_role_gets_its_blocks_and_menu(
    client: AsyncTestClient[Litestar],
    tenant_a: TenantRef,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
    role: Role,
    kop: str,
    telling: str,
) -> None:
    await sign_in_as(client, tenant_a, role=role)
    page = await client.get("/werkruimte")
    assert page.status_code == 200
    assert f">{kop}</h2>" in page.text
    assert telling in page.text
    assert _menu(page.text) == [item.href for item in HOOFDMENU[role]]
    assert 'aria-current="page"' in page.text


async def test_a_participant_outside_the_weegploeg_sees_no_signal_count(
    client: AsyncTestClient[Litestar],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    settings: Settings,
) -> None:
    reclassering = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant_a.id,
        organisation_type=OrganisationType.RECLASSERING,
    )
    client.cookies.set(SESSION_COOKIE, reclassering.cookie)
    page = await client.get("/werkruimte")
    assert page.status_code == 200
    assert "Lopende casussen" in page.text
    assert "Te wegen signalen" not in page.text


async def test_hub_admin_werkruimte_counts_the_hub_and_names_it_once(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    hub: str,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    async with admin_engine.connect() as conn:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()
    await sign_in_as(client, role=Role.HUB_ADMIN, hub_id=hub_id)
    page = await client.get("/werkruimte")
    assert page.status_code == 200
    assert "Beheer van de hub" in page.text
    assert 'href="/hub/gemeenten/nieuw"' in page.text
    assert _menu(page.text)[:2] == ["/werkruimte", "/hub/gemeenten"]
    # The active role appears once in the header, without the hub's name twice.
    assert "Test-ZVH (Test-ZVH)" not in page.text


async def test_the_start_page_shows_the_menu_of_the_signed_in_role(
    client: AsyncTestClient[Litestar],
    tenant_a: TenantRef,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    await sign_in_as(client, tenant_a, role=Role.CONTACTPUNT)
    page = await client.get("/")
    assert _menu(page.text)[0] == "/werkruimte"
    assert 'href="/contactpunt-taken"' in page.text


async def test_a_terminated_municipalitys_regie_finds_its_export_in_the_werkruimte(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"einde{code}",
        name="Gemeente Einde",
        gemeentecode=code,
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant).where(Tenant.id == tenant.id).values(status="terminating")
        )
    await sign_in_as(client, tenant)
    page = await client.get("/werkruimte")
    assert page.status_code == 200
    assert "Export van de gegevens van uw gemeente" in page.text
    assert "De export wordt nog gemaakt" in page.text
    map_ = export_dir(settings, tenant.slug)
    map_.mkdir(parents=True, exist_ok=True)
    (map_ / "export-1.zip").write_bytes(b"PK")
    page = await client.get("/werkruimte")
    assert 'href="/gemeente/export"' in page.text
    # Any other role of a municipality that is no longer served gets the 503 page.
    client.cookies.clear()
    await sign_in_as(client, tenant, role=Role.CONTACTPUNT)
    assert (await client.get("/werkruimte")).status_code == 503
