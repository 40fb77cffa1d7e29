"""A move with a running request: the request follows the person to the new gemeente van
verblijf (its queue, same receipt number and day 0), both queues show the hand-over, and the
casus history names the municipality told and the request that went along."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bouwstenen import CSRF_FIELD, HX, casus, hub_id, partijen, token
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.verzoeken.models import Doorzending, Verzoek
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.services import registreer

Client = AsyncTestClient[Litestar]


async def test_a_running_request_follows_the_person_on_a_move(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Vera Verhuis", [(orgs.politie, "politie")]
    )
    ontvangen = datetime.now(UTC) - timedelta(days=3)
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        persoon_id = (await s.get(Casus, casus_id)).persoon_id  # type: ignore[union-attr]
        verzoek = await registreer(
            s,
            Actor.system("test"),
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Vera Verhuis",
                indiener_naam="Vera Verhuis",
                kanaal=Kanaal.BRIEF,
                persoon_id=persoon_id,
            ),
            gemeentecode="9801",
            ontvangen=ontvangen,
        )
        nummer, termijn = verzoek.ontvangstnummer, verzoek.termijn

    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    formulier = await client.get(f"/casusoverleg/casussen/{casus_id}/verhuizing")
    verhuisd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/verhuizing",
        data={
            CSRF_FIELD: token(formulier.text),
            "naar_gemeente": "9802",
            "verhuis_datum": datetime.now(UTC).strftime("%d-%m-%Y"),
        },
        follow_redirects=False,
    )
    assert verhuisd.status_code == 303

    async with tenant_session(app_engine, tenant_a, settings) as s:
        assert await s.get(Verzoek, verzoek.id) is None
        receipt = (
            await s.scalars(select(Doorzending).where(Doorzending.ontvangstnummer == nummer))
        ).one()
        assert receipt.naar_tenant_id == tenant_b.id
    async with tenant_session(app_engine, tenant_b, settings) as s:
        daar = (await s.scalars(select(Verzoek).where(Verzoek.ontvangstnummer == nummer))).one()
        assert daar.betrokkene_naam == "Vera Verhuis"
        assert daar.ontvangen_bij == tenant_a.slug
        assert daar.termijn == termijn  # day 0 and the deadline stay as they were

    # The sending side: the casus history and its queue show the hand-over.
    rechten = await client.get(f"/casusoverleg/casussen/{casus_id}/rechten", headers=HX)
    assert "gemeld aan Gemeente Bravo" in rechten.text
    assert f"meegegaan: verzoek {nummer}" in rechten.text
    uit = await client.get("/contactpunt-taken/overdrachten", headers=HX)
    assert f"Overgedragen: verzoek {nummer} is meegegaan naar Gemeente Bravo" in uit.text
    assert "Vera" not in uit.text

    # The receiving side: its queue shows the request that came along, and opens it.
    client.cookies.clear()
    await sign_in_as(client, tenant_b, Role.CONTACTPUNT)
    binnen = await client.get("/contactpunt-taken/overdrachten", headers=HX)
    assert "meegekomen bij een verhuizing uit Gemeente Alfa" in binnen.text
    link = re.search(r'href="(/contactpunt-taken/verzoek/[0-9a-f-]+)">' + nummer, binnen.text)
    assert link is not None
    geopend = await client.get(link.group(1))
    assert geopend.status_code == 200
    assert "Vera Verhuis" in geopend.text
    # The new municipality's regie sees the hand-over with the request that came along.
    client.cookies.clear()
    await sign_in_as(client, tenant_b, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    overdracht = dashboard.text.split("Overdrachten naar uw gemeente")[1].split("<h2")[0]
    assert f'href="{link.group(1)}">{nummer}</a>' in overdracht
    assert "Vera" not in overdracht
    # Taken over: the notice leaves the dashboard (and the next tests' view of it).
    melding = re.search(r"/casusoverleg/overdrachten/([0-9a-f-]+)/afgehandeld", overdracht)
    assert melding is not None
    klaar = await client.post(
        melding.group(0), data={CSRF_FIELD: token(dashboard.text)}, follow_redirects=False
    )
    assert klaar.status_code == 303
