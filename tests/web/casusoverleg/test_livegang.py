"""A municipality cannot take a person in until its required implementation steps are done."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from bouwstenen import token
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.checklist import StapWijziging, maak_checklist, werk_stap_bij
from casushub.platform.hub.models import Implementatiestap, Situatie, StapStatus
from casushub.platform.identity.roles import Role
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal


async def test_opname_waits_for_the_required_steps(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"nietlive{code}",
        name="Nog niet live",
        gemeentecode=code,
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await maak_checklist(conn, tenant.id, Situatie.GEEN_CONVENANT)
    systeem = Actor.system("test")
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s, systeem, NieuwSignaal("Lotte Livegang", code, "zorgen", uuid.uuid4(), date.today())
        )
        weging = await weeg_signaal(
            s,
            systeem,
            WegingInvoer(
                signaal_id=signaal.id,
                datum=date.today(),
                aanwezigen=[Aanwezige(uuid.uuid4(), "gemeente")],
                criteria={k: Beoordeling("ernstige_zorg", "toelichting") for k in CRITERIA},
                redenering="beeld",
                uitkomst="opname",
            ),
            vaststellen=False,
        )
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)
    form = await client.get(f"/casusoverleg/wegingen/{weging.id}/opname")
    refused = await client.post(
        f"/casusoverleg/wegingen/{weging.id}/opname", data={"_csrf_token": token(form.text)}
    )
    assert refused.status_code == 422
    assert "nog niet live" in refused.text

    async with admin_engine.begin() as conn:
        for stap_id in (
            await conn.execute(
                select(Implementatiestap.id).where(Implementatiestap.tenant_id == tenant.id)
            )
        ).scalars():
            await werk_stap_bij(
                conn, tenant.id, stap_id, StapWijziging(StapStatus.GEREED, True, date.today())
            )
    now_live = await client.post(
        f"/casusoverleg/wegingen/{weging.id}/opname", data={"_csrf_token": token(form.text)}
    )
    # Past the gate, the intake's own rules decide (this weging is a draft, not finalised).
    assert "nog niet live" not in now_live.text
