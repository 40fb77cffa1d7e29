"""Export of casus data for carrying out an intervention: only with that purpose and an
existing intervention of this casus; refused otherwise with a Dutch explanation (422, input
kept, nothing logged); an allowed export is logged and downloaded as JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bouwstenen import CSRF_FIELD, casus, hub_id, partijen, token, verwerkingen
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.exports.models import Export
from casushub.tenants.exports.rules import ExportDoel
from casushub.tenants.plan.services import InterventieInvoer, voeg_interventie_toe

Client = AsyncTestClient[Litestar]
DOEL = ExportDoel.UITVOERING_INTERVENTIE.value


async def _exports(app_engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> int:
    async with tenant_session(app_engine, tenant, settings) as s:
        return int(await s.scalar(select(func.count()).select_from(Export)) or 0)


async def test_export_only_for_an_intervention_of_this_casus(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Eva Export", [(orgs.politie, "politie")]
    )
    ander_id, _ = await casus(
        app_engine, settings, tenant_a, "Anton Ander", [(orgs.politie, "politie")]
    )
    regie = Actor(uuid.uuid4(), uuid.uuid4(), "gemeente_regie")
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        eigen = await voeg_interventie_toe(
            s,
            regie,
            casus_id,
            InterventieInvoer(
                "Schuldhulpverlening starten", "werk_inkomen", orgs.politie, "politie", "Wet x"
            ),
        )
        vreemd = await voeg_interventie_toe(
            s,
            regie,
            ander_id,
            InterventieInvoer("Woonbegeleiding", "wonen", orgs.politie, "politie", "Wet y"),
        )
    user = await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    page = await client.get(f"/casusoverleg/casussen/{casus_id}/export")
    assert page.status_code == 200
    assert "Schuldhulpverlening starten" in page.text
    assert "Woonbegeleiding" not in page.text
    # Nothing is preselected.
    assert " selected" not in page.text
    csrf = token(page.text)
    voor = await _exports(app_engine, settings, tenant_a)
    url = f"/casusoverleg/casussen/{casus_id}/export"

    ander_doel = await client.post(
        url,
        data={
            CSRF_FIELD: csrf,
            "doel": ExportDoel.CASUSOVERLEG.value,
            "interventie": str(eigen.id),
        },
    )
    assert ander_doel.status_code == 422
    assert "alleen worden geëxporteerd voor" in ander_doel.text
    assert f'value="{eigen.id}" selected' in ander_doel.text  # the input is kept

    zelfbedacht = await client.post(
        url, data={CSRF_FIELD: csrf, "doel": "marketing", "interventie": str(eigen.id)}
    )
    assert zelfbedacht.status_code == 422
    assert "zelfbedacht doel is niet toegestaan" in zelfbedacht.text

    geen_interventie = await client.post(url, data={CSRF_FIELD: csrf, "doel": DOEL})
    assert geen_interventie.status_code == 422
    assert "Verwijs naar een bestaande interventie" in geen_interventie.text

    andermans = await client.post(
        url, data={CSRF_FIELD: csrf, "doel": DOEL, "interventie": str(vreemd.id)}
    )
    assert andermans.status_code == 422
    assert await _exports(app_engine, settings, tenant_a) == voor

    gemaakt = await client.post(
        url, data={CSRF_FIELD: csrf, "doel": DOEL, "interventie": str(eigen.id)}
    )
    assert gemaakt.status_code == 200
    assert gemaakt.headers["content-type"].startswith("application/json")
    assert "attachment" in gemaakt.headers["content-disposition"]
    document = json.loads(gemaakt.content)
    assert document["doel"] == DOEL
    assert document["persoon"]["naam"] == "Eva Export"
    assert document["interventie"]["omschrijving"] == "Schuldhulpverlening starten"
    assert await _exports(app_engine, settings, tenant_a) == voor + 1
    assert ("export", "export", DOEL) in await verwerkingen(
        app_engine, settings, tenant_a, user.user_id
    )


async def test_a_participant_cannot_export(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Piet Partij", [(orgs.politie, "politie")]
    )
    await sign_in_as(client, tenant_a, Role.PARTICIPANT)
    assert (await client.get(f"/casusoverleg/casussen/{casus_id}/export")).status_code == 403
