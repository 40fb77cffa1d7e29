"""The partner and JenV screens at the edge: nothing chosen beforehand, every missing answer
listed at once with a link to its control, what was typed kept, and refusals for those who
may not (the JenV announcement for other participants, the decision for the hub)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bouwstenen import CSRF_FIELD, casus, token
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.maatregelen.services import kondig_aan
from casushub.tenants.uitnodigingen.services import accepteer, nodig_uit
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import SignedIn, create_signed_in_session

Client = AsyncTestClient[Litestar]


def aangevinkt(html: str) -> list[str]:
    """The radio buttons a page would submit untouched (name=value)."""
    return [
        f"{m.group(1)}={m.group(2)}"
        for tag in re.findall(r"<input[^>]*>", html)
        if 'type="radio"' in tag and " checked" in tag
        for m in [re.search(r'name="([^"]+)" value="([^"]*)"', tag)]
        if m
    ]


def samenvatting(html: str) -> list[str]:
    blok = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert blok, "an error summary"
    return re.findall(r'<a href="#([^"]+)">', blok.group(0))


def test_the_checks_themselves_catch_a_default() -> None:
    html = '<input class="x" type="radio" id="b" name="besluit" value="opnemen" checked>'
    assert aangevinkt(html) == ["besluit=opnemen"]
    assert aangevinkt(html.replace(" checked", "")) == []


async def _jenv(
    admin_engine: AsyncEngine, settings: Settings, client: Client, tenant: TenantRef
) -> SignedIn:
    signed_in = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant.id,
        organisation_type=OrganisationType.JENV,
    )
    als(client, signed_in)
    return signed_in


def als(client: Client, signed_in: SignedIn) -> None:
    """Continue as ``signed_in`` (a session cookie the server set before would win)."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, signed_in.cookie)


async def test_jenv_announcement_keeps_input_and_is_for_jenv_only(
    client: Client,
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    politie = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant_a.id,
        organisation_type=OrganisationType.POLITIE,
    )
    jenv = await _jenv(admin_engine, settings, client, tenant_a)
    casus_id, _ = await casus(
        app_engine,
        settings,
        tenant_a,
        "Anna Aankondiging",
        [(jenv.organisation_id, "jenv"), (politie.organisation_id, "politie")],
    )
    url = f"/casusoverleg/casussen/{casus_id}/maatregelen/nieuw"
    form = await client.get(url)
    assert form.status_code == 200
    fout = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "omschrijving": "Paspoort laten vervallen",
            "bevoegdheid": "",
            "voorgenomen_op": "morgen",
        },
    )
    assert fout.status_code == 422
    assert samenvatting(fout.text) == ["voorgenomen_op"]
    assert "Vul een datum in als dd-mm-jjjj" in fout.text
    assert "Paspoort laten vervallen" in fout.text
    assert 'value="morgen"' in fout.text
    gisteren = (date.today() - timedelta(days=1)).strftime("%d-%m-%Y")
    fout = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "omschrijving": "Paspoort laten vervallen",
            "bevoegdheid": "",
            "voorgenomen_op": gisteren,
        },
    )
    assert fout.status_code == 422
    assert samenvatting(fout.text) == ["bevoegdheid", "voorgenomen_op"]
    goed = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "omschrijving": "Paspoort laten vervallen",
            "bevoegdheid": "Paspoortwet",
            "voorgenomen_op": "",
        },
        follow_redirects=False,
    )
    assert goed.status_code == 303
    assert goed.headers["location"] == f"/casusoverleg/casussen/{casus_id}/maatregelen"

    # The police takes part in the casus too, but announces no measure of the minister.
    als(client, politie)
    assert (await client.get(url)).status_code == 403
    sectie = await client.get(f"/casusoverleg/casussen/{casus_id}/maatregelen")
    assert sectie.status_code == 200
    assert "Paspoort laten vervallen" in sectie.text
    assert "Maatregel aankondigen" not in sectie.text


async def test_decision_starts_empty_keeps_input_and_is_the_municipality_s(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    jenv_org = uuid.uuid4()
    casus_id, _ = await casus(app_engine, settings, tenant_a, "Bram Besluit", [(jenv_org, "jenv")])
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        maatregel = await kondig_aan(
            s,
            Actor(uuid.uuid4(), jenv_org, "participant", organisation_type="jenv"),
            casus_id,
            omschrijving="Paspoort laten vervallen",
            bevoegdheid="Paspoortwet",
            voorgenomen_op=None,
        )
    url = f"/casusoverleg/maatregelen/{maatregel.id}/besluit"
    await sign_in_as(client, tenant_a, Role.PROCESREGISSEUR)
    assert (await client.get(url)).status_code == 403
    assert (await client.get("/casusoverleg/maatregelen")).status_code == 403

    client.cookies.clear()
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    lijst = await client.get("/casusoverleg/maatregelen")
    assert "Maatregel voor Bram Besluit" in lijst.text
    form = await client.get(url)
    assert form.status_code == 200
    assert aangevinkt(form.text) == []
    assert {"besluit=opnemen", "besluit=kennisnemen"} <= set(
        f"besluit={v}" for v in re.findall(r'name="besluit" value="([^"]+)"', form.text)
    )
    leeg = await client.post(
        url, data={CSRF_FIELD: token(form.text), "reden": "Past bij het uitreisverbod."}
    )
    assert leeg.status_code == 422
    assert samenvatting(leeg.text) == ["besluit-opnemen"]
    assert 'id="besluit-opnemen"' in leeg.text
    assert "Past bij het uitreisverbod." in leeg.text
    assert aangevinkt(leeg.text) == []
    zonder_reden = await client.post(
        url, data={CSRF_FIELD: token(form.text), "besluit": "kennisnemen", "reden": ""}
    )
    assert zonder_reden.status_code == 422
    assert samenvatting(zonder_reden.text) == ["reden"]
    assert aangevinkt(zonder_reden.text) == ["besluit=kennisnemen"]
    genomen = await client.post(
        url,
        data={CSRF_FIELD: token(form.text), "besluit": "kennisnemen", "reden": "Geen gevolgen."},
        follow_redirects=False,
    )
    assert genomen.status_code == 303
    nu = await client.get(url)
    assert "Hierover is al besloten" in nu.text
    assert 'name="besluit"' not in nu.text


async def test_partner_form_starts_empty_and_needs_an_invitation_that_allows_it(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    casus_id, item_id = await casus(
        app_engine, settings, tenant_a, "Ivo Inbreng", [(uuid.uuid4(), "politie")]
    )
    gast = await sign_in_as(client, tenant_a, Role.INVITED_PARTY)
    actor = Actor(gast.user_id, gast.organisation_id, Role.INVITED_PARTY.value)
    ids = {}
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        for inbrengen in (False, True):
            uitnodiging = await nodig_uit(
                s,
                Actor.system("test"),
                casus_id=casus_id,
                bijeenkomst_id=uuid.uuid4(),
                einde_bijeenkomst=datetime.now(UTC) + timedelta(days=2),
                organisatie_id=gast.organisation_id,
                reden="behandelrelatie",
                item_ids=[item_id],
                mag_inbrengen=inbrengen,
            )
            await accepteer(s, actor, uitnodiging.id, geheimhouding_geaccepteerd=True)
            ids[inbrengen] = uitnodiging.id
    zonder = await client.get(f"/casusoverleg/uitnodigingen/{ids[False]}")
    assert "Informatie inbrengen" not in zonder.text
    assert (
        await client.get(f"/casusoverleg/uitnodigingen/{ids[False]}/inbrengen")
    ).status_code == 403
    met = await client.get(f"/casusoverleg/uitnodigingen/{ids[True]}")
    assert f"/casusoverleg/uitnodigingen/{ids[True]}/inbrengen" in met.text

    url = f"/casusoverleg/uitnodigingen/{ids[True]}/inbrengen"
    form = await client.get(url)
    assert form.status_code == 200
    assert aangevinkt(form.text) == []
    fout = await client.post(
        url, data={CSRF_FIELD: token(form.text), "tekst": "Komt afspraken na."}
    )
    assert fout.status_code == 422
    assert samenvatting(fout.text) == [
        "categorie-gewoon",
        "deelgrond-toestemming",
        "deelgrond_toelichting",
    ]
    assert all(f'id="{veld}"' in fout.text for veld in samenvatting(fout.text))
    assert "Komt afspraken na." in fout.text
    assert "Kies de grond waarop u deze informatie deelt." in fout.text
    goed = await client.post(
        url,
        data={
            CSRF_FIELD: token(form.text),
            "tekst": "Komt afspraken na.",
            "categorie": "gewoon",
            "deelgrond": "toestemming",
            "deelgrond_toelichting": "Toestemming gegeven op 1 december.",
        },
        follow_redirects=False,
    )
    assert goed.status_code == 303
    gezien = await client.get(f"/casusoverleg/uitnodigingen/{ids[True]}")
    assert "Komt afspraken na." in gezien.text
    assert "Toestemming van de betrokkene" in gezien.text
