"""Meetings from the casus and per agenda item: the agenda on a real hub meeting, minutes
with decisions and actions, attendance; the dashboards per role, and another
municipality's agenda item without a link."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bouwstenen import (
    CSRF_FIELD,
    HX,
    SYSTEEM,
    bijeenkomst,
    casus,
    hub_id,
    partijen,
    token,
    verwerkingen,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.overleg.models import Aanwezigheid
from casushub.tenants.uitnodigingen.services import nodig_uit

Client = AsyncTestClient[Litestar]


async def test_agenda_minutes_actions_and_attendance(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    hub_uuid = await hub_id(admin_engine, hub)
    orgs = await partijen(admin_engine, hub_uuid)
    meeting, naam = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    elders, _ = await bijeenkomst(admin_engine, hub_uuid, [tenant_b])
    casus_id, item_id = await casus(
        app_engine, settings, tenant_a, "Ada Agendapunt", [(orgs.politie, "politie")]
    )
    user = await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    komend = dashboard.text.split("Komende bijeenkomsten")[1]
    assert naam in komend
    assert str(elders) not in komend  # a meeting of a casusoverleg the municipality is not in
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/bijeenkomsten", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "nog op geen agenda" in fragment.text
    csrf = token(fragment.text)
    base = f"/casusoverleg/casussen/{casus_id}"
    vreemd = await client.post(
        f"{base}/agenderen",
        data={CSRF_FIELD: csrf, "bijeenkomst": str(elders), "doel": "bespreking"},
        headers=HX,
    )
    assert vreemd.status_code == 422
    assert "Kies een bijeenkomst van uw casusoverleg" in vreemd.text
    geagendeerd = await client.post(
        f"{base}/agenderen",
        data={CSRF_FIELD: csrf, "bijeenkomst": str(meeting), "doel": "bespreking"},
        headers=HX,
    )
    assert geagendeerd.status_code == 200
    assert "De casus staat op de agenda" in geagendeerd.text
    punt = re.search(r"/casusoverleg/agendapunten/([0-9a-f-]+)", geagendeerd.text)
    assert punt is not None
    punt_url = f"/casusoverleg/agendapunten/{punt.group(1)}"

    # The meeting view shows date and place and the item.
    view = await client.get(f"/casusoverleg/bijeenkomsten/{meeting}")
    assert view.status_code == 200
    assert "Stadhuis, zaal 3" in view.text
    assert "Ada Agendapunt" in view.text
    assert naam in view.text

    # Minutes, a decision and an action; the action becomes an intervention.
    pagina = await client.get(punt_url)
    assert pagina.status_code == 200
    csrf = token(pagina.text)
    genotuleerd = await client.post(
        f"{punt_url}/notulen", data={CSRF_FIELD: csrf, "notulen": "Besproken: voortgang."}
    )
    assert genotuleerd.status_code == 200
    assert "Besproken: voortgang." in genotuleerd.text
    assert "Notulen opgeslagen." in genotuleerd.text.split("data-bevestiging")[1]
    leeg = await client.post(
        f"{punt_url}/acties", data={CSRF_FIELD: csrf, "soort": "actie", "tekst": ""}
    )
    assert leeg.status_code == 422
    await client.post(
        f"{punt_url}/acties", data={CSRF_FIELD: csrf, "soort": "besluit", "tekst": "Door"}
    )
    met_actie = await client.post(
        f"{punt_url}/acties",
        data={CSRF_FIELD: csrf, "soort": "actie", "tekst": "Gesprek met school"},
    )
    assert "Gesprek met school" in met_actie.text
    actie = re.search(r"/acties/([0-9a-f-]+)/interventie", met_actie.text)
    assert actie is not None
    naar_plan = f"{punt_url}/acties/{actie.group(1)}/interventie"
    fout = await client.post(
        naar_plan,
        data={
            CSRF_FIELD: csrf,
            "omschrijving": "Gesprek met school",
            "domein": "onderwijs",
            "verantwoordelijke": str(orgs.politie),
            "bevoegdheid": "",
        },
    )
    assert fout.status_code == 422
    assert "geen bevoegdheden" in fout.text
    interventie = await client.post(
        naar_plan,
        data={
            CSRF_FIELD: csrf,
            "omschrijving": "Gesprek met school",
            "domein": "onderwijs",
            "verantwoordelijke": str(orgs.politie),
            "bevoegdheid": "Politiewet art. 3",
        },
    )
    assert interventie.status_code == 200
    assert "(interventie in het plan van aanpak)" in interventie.text
    plan = await client.get(f"{base}/plan", headers=HX)
    assert "Gesprek met school" in plan.text

    # Attendance per organisation.
    aanwezig = await client.get(f"/casusoverleg/bijeenkomsten/{meeting}/aanwezigheid")
    assert aanwezig.status_code == 200
    opgeslagen = await client.post(
        f"/casusoverleg/bijeenkomsten/{meeting}/aanwezigheid",
        data={CSRF_FIELD: token(aanwezig.text), "aanwezig": [str(orgs.politie)]},
    )
    assert opgeslagen.status_code == 200
    assert "De aanwezigheid is vastgelegd" in opgeslagen.text
    async with tenant_session(app_engine, tenant_a, settings) as s:
        rows = (
            await s.execute(
                select(Aanwezigheid.organisatie_id, Aanwezigheid.aanwezig).where(
                    Aanwezigheid.bijeenkomst_id == meeting
                )
            )
        ).all()
    assert (orgs.politie, True) in [tuple(r) for r in rows]
    assert item_id  # the ordinary item exists (used by the invitation test)
    doelen = [d for _, _, d in await verwerkingen(app_engine, settings, tenant_a, user.user_id)]
    assert "agenderen" in doelen
    assert "notuleren" in doelen


async def test_dashboards_per_role(
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
    meeting, naam = await bijeenkomst(admin_engine, hub_uuid, [tenant_a], locatie="Zaal Dash")
    ander, _ = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    casus_id, item_id = await casus(
        app_engine,
        settings,
        tenant_a,
        "Dirk Dashboard",
        [(orgs.politie, "politie")],
        intake=date.today() - timedelta(days=60),
    )
    # The regie: every heading, the late plan flagged, the coming meeting listed.
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    regie = (await client.get("/casusoverleg")).text
    for kop in (
        "Te wegen signalen",
        "Reviews verlopen",
        "Plannen te laat",
        "Mijn casussen",
        "Komende bijeenkomsten",
    ):
        assert kop in regie, kop
    te_laat = regie.split('id="lijst-plannen"')[1].split("<h2")[0]
    assert "Dirk Dashboard" in te_laat
    assert naam in regie.split("Komende bijeenkomsten")[1]

    # An invited party: its invitations and the meeting it is invited to, nothing else.
    client.cookies.clear()
    gast = await sign_in_as(client, tenant_a, Role.INVITED_PARTY)
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        uitnodiging = await nodig_uit(
            s,
            SYSTEEM,
            casus_id=casus_id,
            bijeenkomst_id=meeting,
            einde_bijeenkomst=datetime.now(UTC) + timedelta(days=4),
            organisatie_id=gast.organisation_id,
            reden="Betrokken hulpverlener",
            item_ids=[item_id],
        )
    scherm = (await client.get("/casusoverleg")).text
    assert "Mijn uitnodigingen" in scherm
    assert f"/casusoverleg/uitnodigingen/{uitnodiging.id}" in scherm
    assert "Te wegen signalen" not in scherm
    assert "Dirk Dashboard" not in scherm  # not even the name before acceptance
    komend = scherm.split("Komende bijeenkomsten")[1]
    assert "Zaal Dash" in komend
    assert str(ander) not in komend
    assert (
        await client.get(f"/casusoverleg/bijeenkomsten/{meeting}/uitnodiging.ics")
    ).status_code == 200
    assert (
        await client.get(f"/casusoverleg/bijeenkomsten/{ander}/uitnodiging.ics")
    ).status_code == 404
    # Nor may it print the agenda.
    assert (
        await client.get(
            f"/casusoverleg/bijeenkomsten/{meeting}/agenda.pdf",
            params={"doel": "voorbereiding en verslag van het casusoverleg"},
        )
    ).status_code == 403


async def test_another_municipalitys_agenda_item_has_no_link(
    client: Client,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    """A regisseur for two municipalities sees both items of a regional meeting, but only the
    active municipality's items link to their pages: the other's would answer 404."""
    from casushub.platform.identity.memberships import grant_membership
    from casushub.tenants.overleg.services import agendeer
    from casushub.web.app import SESSION_COOKIE
    from casushub.web.auth.testing import create_signed_in_session

    hub_uuid = await hub_id(admin_engine, hub)
    meeting, _ = await bijeenkomst(admin_engine, hub_uuid, [tenant_a, tenant_b])
    orgs = await partijen(admin_engine, hub_uuid)
    punten = {}
    for tenant, naam in ((tenant_a, "Anna Eigen"), (tenant_b, "Bert Elders")):
        casus_id, _ = await casus(app_engine, settings, tenant, naam, [(orgs.politie, "politie")])
        async with tenant_session(app_engine, tenant, settings) as s, s.begin():
            punt = await agendeer(
                s, SYSTEEM, casus_id=casus_id, bijeenkomst_id=meeting, doel="bespreking"
            )
        punten[naam] = (casus_id, punt.id)
    regisseur = await create_signed_in_session(
        admin_engine, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant_a.id
    )
    async with admin_engine.begin() as conn:
        await grant_membership(
            conn,
            user_id=regisseur.user_id,
            organisation_id=regisseur.organisation_id,
            role=Role.GEMEENTE_REGIE,
            tenant_id=tenant_b.id,
        )
    client.cookies.set(SESSION_COOKIE, regisseur.cookie)
    view = await client.get(f"/casusoverleg/bijeenkomsten/{meeting}")
    assert view.status_code == 200
    eigen_casus, eigen_punt = punten["Anna Eigen"]
    andere_casus, andere_punt = punten["Bert Elders"]
    assert f'href="/casusoverleg/casussen/{eigen_casus}"' in view.text
    assert f'href="/casusoverleg/agendapunten/{eigen_punt}"' in view.text
    assert "Bert Elders" in view.text
    assert str(andere_casus) not in view.text
    assert str(andere_punt) not in view.text
    assert "Dit agendapunt hoort bij Gemeente Bravo" in view.text
