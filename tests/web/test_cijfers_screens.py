"""The figures' screens: the regie's own municipality, the hub admin's per municipality and
for the hub, only for municipalities whose processor agreement runs."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Verwerking

FreshTenant = Callable[[], Awaitable[TenantRef]]
JAAR = klok.vandaag().year - 1


async def _signalen(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, aantal: int
) -> None:
    actor = Actor(uuid.uuid4(), uuid.uuid4(), "gemeente_regie")
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        for n in range(aantal):
            await registreer_signaal(
                s,
                actor,
                NieuwSignaal(f"Persoon {n}", "9801", "zorgen", uuid.uuid4(), date(JAAR, 2, 3)),
            )


async def test_regie_sees_its_figures_as_chart_table_and_csv(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    await _signalen(app_engine, settings, tenant, 7)
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)
    pagina = await client.get(f"/cijfers?jaar={JAAR}")
    assert pagina.status_code == 200
    assert "<svg" in pagina.text
    assert 'role="img"' in pagina.text
    assert "style=" not in pagina.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Seven signals of a source the platform does not know: one exact cell, in February.
    assert (
        '<td class="utrecht-table__cell utrecht-table__cell--numeric-column">7</td>' in pagina.text
    )
    assert "Persoon" not in pagina.text
    csv = await client.get(f"/cijfers/download?jaar={JAAR}")
    assert csv.status_code == 200
    assert "text/csv" in csv.headers["content-type"]
    assert "Signalen per maand en soort bron,februari,overig,7" in csv.text
    assert "Uitkomsten van de weging,geen actie,aantal,< 5" in csv.text
    fout = await client.get("/cijfers?jaar=1999")
    assert fout.status_code == 422
    assert "Kies een jaar" in fout.text
    async with tenant_session(app_engine, tenant, settings) as s:
        acties = list(
            (
                await s.execute(
                    select(Verwerking.actie).where(Verwerking.gegevensgroep == "cijfers")
                )
            ).scalars()
        )
    assert sorted(acties) == ["export", "read"]


async def test_hub_admin_sees_no_figures_of_a_municipality_whose_agreement_ended(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    unique_code: Callable[[], str],
) -> None:
    slug = f"cijferhub_{secrets.token_hex(3)}"
    await create_hub(admin_engine, slug=slug, name="Cijferhub")
    async with admin_engine.connect() as conn:
        hub_id = await conn.scalar(select(Hub.id).where(Hub.slug == slug))
    gemeenten = {}
    for naam, eind in (("Loopt", None), ("Geeindigd", klok.vandaag() - timedelta(days=1))):
        code = unique_code()
        tenant = await create_tenant(
            admin_engine,
            settings,
            slug=f"cijf{code}",
            name=f"Gemeente {naam}",
            gemeentecode=code,
            hub_slug=slug,
        )
        async with admin_engine.begin() as conn:
            await conn.execute(
                update(Tenant)
                .where(Tenant.id == tenant.id)
                .values(
                    verwerkersovereenkomst_start=date(2025, 7, 1), verwerkersovereenkomst_eind=eind
                )
            )
        gemeenten[naam] = tenant
    await _signalen(app_engine, settings, gemeenten["Loopt"], 6)
    await _signalen(app_engine, settings, gemeenten["Geeindigd"], 11)
    await sign_in_as(client, None, Role.HUB_ADMIN, hub_id=hub_id)
    hub = await client.get(f"/hub/cijfers?jaar={JAAR}")
    assert hub.status_code == 200
    assert "Gemeente Loopt" in hub.text
    assert "Gemeente Geeindigd" not in hub.text
    csv = await client.get(f"/hub/cijfers/download?jaar={JAAR}")
    # Only the running municipality's six signals: the ended one's eleven are not counted.
    assert "Signalen per maand en soort bron,februari,overig,6" in csv.text
    eigen = await client.get(f"/hub/cijfers/{gemeenten['Loopt'].id}?jaar={JAAR}")
    assert eigen.status_code == 200
    geeindigd = await client.get(f"/hub/cijfers/{gemeenten['Geeindigd'].id}?jaar={JAAR}")
    assert geeindigd.status_code == 404
    assert "Signalen per maand" not in geeindigd.text
    assert (
        await client.get(f"/hub/cijfers/{gemeenten['Geeindigd'].id}/download?jaar={JAAR}")
    ).status_code == 404
    # The reading is logged in the municipality's own access log, not in the ended one's.
    for naam, verwacht in (("Loopt", True), ("Geeindigd", False)):
        async with tenant_session(app_engine, gemeenten[naam], settings) as s:
            gelogd = await s.scalar(
                select(Verwerking.id).where(Verwerking.gegevensgroep == "cijfers").limit(1)
            )
        assert (gelogd is not None) is verwacht, naam
