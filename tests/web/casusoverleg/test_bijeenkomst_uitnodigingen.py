"""Inviting a party for one meeting from the casus, and the invitation form when there is
nothing to share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bouwstenen import CSRF_FIELD, bijeenkomst, casus, hub_id, partijen, token
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.memberships import invite
from casushub.platform.identity.roles import Role
from casushub.platform.mail import MailMessage, compose
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.casus.models import InformatieItem
from casushub.tenants.uitnodigingen.models import Uitnodiging

Client = AsyncTestClient[Litestar]


async def test_procesregisseur_invites_a_party_for_one_meeting(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    hub_uuid = await hub_id(admin_engine, hub)
    orgs = await partijen(admin_engine, hub_uuid)
    meeting, _ = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    casus_id, item_id = await casus(
        app_engine, settings, tenant_a, "Ivo Uitgenodigd", [(orgs.politie, "politie")]
    )
    gast = f"gast@z{orgs.partner.hex[:4]}.test"
    async with admin_engine.begin() as conn:
        await invite(
            conn,
            organisation_id=orgs.partner,
            email=gast,
            role=Role.INVITED_PARTY,
            tenant_id=tenant_a.id,
        )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    sectie = await client.get(f"/casusoverleg/casussen/{casus_id}/bijeenkomsten")
    assert f'href="/casusoverleg/casussen/{casus_id}/uitnodigen"' in sectie.text
    formulier = await client.get(f"/casusoverleg/casussen/{casus_id}/uitnodigen")
    assert formulier.status_code == 200
    # Upfront: the party by name, and what can be shared (the ordinary item).
    assert f'value="{orgs.partner}"' in formulier.text
    assert f'id="uitnodiging-item-{item_id}"' in formulier.text
    csrf = token(formulier.text)
    leeg = await client.post(
        f"/casusoverleg/casussen/{casus_id}/uitnodigen", data={CSRF_FIELD: csrf}
    )
    assert leeg.status_code == 422
    for veld in ("uitnodiging_bijeenkomst", "partij", "reden", f"uitnodiging-item-{item_id}"):
        assert f'href="#{veld}"' in leeg.text, veld
    zonder_reden = await client.post(
        f"/casusoverleg/casussen/{casus_id}/uitnodigen",
        data={
            CSRF_FIELD: csrf,
            "uitnodiging_bijeenkomst": str(meeting),
            "partij": str(orgs.partner),
            "reden": "",
            "items": [str(item_id)],
        },
    )
    assert zonder_reden.status_code == 422
    assert "noodzaak" in zonder_reden.text
    uitgenodigd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/uitnodigen",
        data={
            CSRF_FIELD: csrf,
            "uitnodiging_bijeenkomst": str(meeting),
            "partij": str(orgs.partner),
            "reden": "Zorgaanbieder van de betrokkene",
            "items": [str(item_id)],
        },
        follow_redirects=False,
    )
    assert uitgenodigd.status_code == 303, uitgenodigd.text
    async with tenant_session(app_engine, tenant_a, settings) as s:
        uitnodiging = await s.scalar(select(Uitnodiging).where(Uitnodiging.casus_id == casus_id))
    assert uitnodiging is not None
    assert uitnodiging.bijeenkomst_id == meeting
    assert uitnodiging.organisatie_id == orgs.partner
    lijst = await client.get(uitgenodigd.headers["location"])
    assert "De partij is uitgenodigd en heeft een e-mail met de link gekregen" in lijst.text
    # The invitee's mail: Dutch, the link to the invitation, no name of anyone.
    async with admin_engine.connect() as conn:
        mail = (
            await conn.execute(
                select(MailMessage.id, MailMessage.kind, MailMessage.link_path).where(
                    MailMessage.recipient == gast
                )
            )
        ).one()
    assert mail.kind == "bespreking"
    assert mail.link_path == f"/casusoverleg/uitnodigingen/{uitnodiging.id}"
    bericht = compose(settings, mail.id, gast, mail.kind, mail.link_path).get_content()
    assert "geheimhoudingsplicht" in bericht
    assert f"{settings.base_url}/casusoverleg/uitnodigingen/{uitnodiging.id}" in bericht
    assert "Ivo" not in bericht
    assert "Zorgaanbieder" not in bericht
    regel = lijst.text.split(f'id="uitnodiging-{uitnodiging.id}"')[1].split("</li>")[0]
    assert "Zorgpartner" in regel
    assert "geheimhouding nog niet geaccepteerd" in regel
    # Withdrawn: logged, and the invitation is gone for the party at once.
    ingetrokken = await client.post(
        f"/casusoverleg/uitnodigingen/{uitnodiging.id}/intrekken",
        data={CSRF_FIELD: csrf},
        follow_redirects=False,
    )
    assert ingetrokken.status_code == 303
    na = await client.get(ingetrokken.headers["location"])
    assert "Uitnodiging ingetrokken" in na.text
    assert "ingetrokken" in na.text.split(f'id="uitnodiging-{uitnodiging.id}"')[1].split("</li>")[0]
    nog_eens = await client.post(
        f"/casusoverleg/uitnodigingen/{uitnodiging.id}/intrekken",
        data={CSRF_FIELD: csrf},
        follow_redirects=False,
    )
    assert "al ingetrokken" in (await client.get(nog_eens.headers["location"])).text


async def test_invitation_form_says_when_there_is_nothing_to_share(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    hub_uuid = await hub_id(admin_engine, hub)
    orgs = await partijen(admin_engine, hub_uuid)
    casus_id, item_id = await casus(
        app_engine, settings, tenant_a, "Nina Niets", [(orgs.politie, "politie")]
    )
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        await s.execute(
            update(InformatieItem).where(InformatieItem.id == item_id).values(categorie="bijzonder")
        )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    formulier = await client.get(f"/casusoverleg/casussen/{casus_id}/uitnodigen")
    assert formulier.status_code == 200
    assert "Er is nog geen informatie die u kunt delen" in formulier.text
    assert "bijzondere of strafrechtelijke gegevens" in formulier.text
    assert f'href="/casusoverleg/casussen/{casus_id}/informatie"' in formulier.text
