"""Citizens find their municipality's contactpunt from the start page, the footer and the
privacy statement; its public pages carry no staff sign-in."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.huisstijl import stel_in
from casushub.platform.identity.memberships import Actor
from casushub.platform.identity.roles import Role
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.testing import create_signed_in_session


async def test_start_page_and_index_link_each_municipality_to_its_contactpunt(
    client: AsyncTestClient[Litestar], tenant_a: TenantRef
) -> None:
    for path in ("/", "/contactpunt"):
        page = await client.get(path)
        assert page.status_code == 200
        assert f'<a class="utrecht-link" href="/contactpunt/{tenant_a.slug}">Gemeente Alfa</a>' in (
            page.text
        )


async def test_footer_and_privacy_statement_lead_to_the_contactpunt(
    client: AsyncTestClient[Litestar],
) -> None:
    privacy = await client.get("/privacy")
    assert privacy.text.count('href="/contactpunt"') == 2  # footer and the statement itself
    assert '<a href="/contactpunt">Uw gegevens en uw rechten</a>' in (await client.get("/")).text


async def test_public_contactpunt_pages_show_no_staff_sign_in(
    client: AsyncTestClient[Litestar], tenant_a: TenantRef
) -> None:
    for path in ("/contactpunt", f"/contactpunt/{tenant_a.slug}"):
        page = await client.get(path)
        assert page.status_code == 200
        assert 'href="/auth/login"' not in page.text
    # Elsewhere the header keeps it.
    assert 'href="/auth/login"' in (await client.get("/privacy")).text


async def test_public_page_carries_the_hub_house_style_of_its_municipality(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    hub_slug = f"stijlhub{code}"
    hub_id = await create_hub(admin_engine, slug=hub_slug, name="Stijlhub", type="zvh")
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"stijl{code}",
        name="Gemeente Stijl",
        gemeentecode=code,
        hub_slug=hub_slug,
    )
    beheerder = await create_signed_in_session(
        admin_engine, settings, role=Role.HUB_ADMIN, hub_id=hub_id
    )
    async with admin_engine.begin() as conn:
        actor = Actor(user_id=beheerder.user_id, role=Role.HUB_ADMIN, hub_id=hub_id)
        await stel_in(conn, hub_id, actor, weergavenaam="ZVH Stijl", primaire_kleur="#004b87")
    page = await client.get(f"/contactpunt/{tenant.slug}")
    stylesheet = f"/contactpunt/{tenant.slug}/huisstijl.css?v=1"
    assert f'href="{stylesheet}"' in page.text
    assert "ZVH Stijl" in page.text
    assert 'href="/auth/login"' not in page.text
    css = await client.get(stylesheet)
    assert css.status_code == 200
    assert "--ch-color-primary: #004b87" in css.text
    assert (await client.get("/contactpunt/bestaat_niet/huisstijl.css")).status_code == 404
    assert (await client.get(f"/contactpunt/{tenant.slug}/logo")).status_code == 404
