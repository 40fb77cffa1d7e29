"""The casusoverleg screens: full pages and fragments, need-to-know, logged reads, forms."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.memberships import grant_membership
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import Role
from casushub.platform.models import Hub
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.models import InformatieItem
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.overleg.services import agendeer
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal

Client = AsyncTestClient[Litestar]
CSRF_FIELD = "_csrf_token"
SYSTEEM = Actor.system("test")


@pytest.fixture
def gemeente(tenant_a: TenantRef) -> TenantRef:
    # The shared test municipality: every name here is unique, and fewer tenants keep the
    # suite's migrate-all runs short.
    return tenant_a


async def _casus(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    naam: str,
    deelnemer: uuid.UUID,
) -> uuid.UUID:
    gemeente, politie, om = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, "9801", "zorgen", politie, date.today() - timedelta(days=9)),
        )
        weging = await weeg_signaal(
            s,
            SYSTEEM,
            WegingInvoer(
                signaal.id,
                date.today() - timedelta(days=2),
                [
                    Aanwezige(gemeente, "gemeente"),
                    Aanwezige(politie, "politie"),
                    Aanwezige(om, "om"),
                ],
                {k: Beoordeling("ernstige_zorg", "toelichting") for k in CRITERIA},
                "zorgelijk",
                "opname",
            ),
            vaststellen=True,
        )
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente="9801",
            intake_datum=date.today(),
            deelnemers=[Deelnemer(gemeente, "gemeente"), Deelnemer(deelnemer, "politie")],
        )
        for categorie, tekst in (("gewoon", "volgt een opleiding"), ("bijzonder", "diagnose X")):
            await voeg_item_toe(
                s,
                SYSTEEM,
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=politie,
                datum=date.today(),
                categorie=categorie,
            )
    return casus.id


def _token(html: str) -> str:
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert found, "the form carries the CSRF token"
    return found.group(1)


async def _reads(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    user: uuid.UUID,
    casus_id: uuid.UUID | None = None,
) -> list[str]:
    async with tenant_session(app_engine, tenant, settings) as s:
        query = select(Verwerking.gegevensgroep).where(Verwerking.user_id == user)
        if casus_id is not None:
            query = query.where(Verwerking.casus_id == casus_id)
        rows = await s.execute(query.order_by(Verwerking.volgnummer))
        return list(rows.scalars())


async def test_casus_page_fragments_and_special_items(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    casus_id = await _casus(app_engine, settings, gemeente, "Sanne Schermtest", uuid.uuid4())
    user = await sign_in_as(client, gemeente, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    assert dashboard.status_code == 200
    assert "Sanne Schermtest" in dashboard.text
    page = await client.get(f"/casusoverleg/casussen/{casus_id}")
    assert page.status_code == 200
    assert f'href="/casusoverleg/casussen/{casus_id}/informatie"' in page.text
    # The overview reads only the casus and its agenda; the items are read on their own section.
    assert "volgt een opleiding" not in page.text
    fragment = await client.get(
        f"/casusoverleg/casussen/{casus_id}/informatie", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "volgt een opleiding" in fragment.text
    assert "diagnose X" not in fragment.text
    found = re.search(r"/casusoverleg/informatie/([0-9a-f-]+)/tonen", fragment.text)
    assert found, "the fragment links to the item"
    item_id = found.group(1)
    token = _token(fragment.text)

    async def tonen(doel: str) -> Any:
        return await client.post(
            f"/casusoverleg/informatie/{item_id}/tonen",
            data={CSRF_FIELD: token, "doel": doel},
            headers={"HX-Request": "true"},
        )

    zonder_doel = await tonen("")
    assert zonder_doel.status_code == 422
    assert "waarvoor" in zonder_doel.text
    # The purpose goes into the verwerkingenlog as typed; a NUL cannot be stored: a Dutch 400,
    # no entry and nothing shown (the reads below stay four).
    met_nul = await tonen("voorbereiding\x00")
    assert met_nul.status_code == 400
    assert "niet is toegestaan" in met_nul.text
    assert "diagnose X" not in met_nul.text
    getoond = await tonen("voorbereiding bespreking")
    assert getoond.status_code == 200
    assert "diagnose X" in getoond.text
    assert await _reads(app_engine, settings, gemeente, user.user_id, casus_id) == [
        "casus",  # the dashboard row
        "casus",  # the casus page's summary
        "agenda",  # the meetings in the summary
        "informatie",  # the section (as an htmx fragment)
        "informatie_bijzonder",  # the explicit action
    ]


async def test_participant_outside_the_casus_and_other_tenant_are_refused(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    tenant_b: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    casus_id = await _casus(app_engine, settings, gemeente, "Piet Partnertest", uuid.uuid4())
    await sign_in_as(client, gemeente, Role.PARTICIPANT)
    refused = await client.get(f"/casusoverleg/casussen/{casus_id}")
    assert refused.status_code == 403
    assert "neemt niet deel" in refused.text
    assert "Piet Partnertest" not in (await client.get("/casusoverleg")).text
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/informatie")
    assert fragment.status_code == 403


async def test_another_municipality_does_not_find_the_casus(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    tenant_b: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    casus_id = await _casus(app_engine, settings, gemeente, "Gerda Grens", uuid.uuid4())
    await sign_in_as(client, tenant_b, Role.GEMEENTE_REGIE)
    # The casus simply does not exist in the other municipality's schema.
    elders = await client.get(f"/casusoverleg/casussen/{casus_id}")
    assert elders.status_code == 404
    assert "Gerda Grens" not in (await client.get("/casusoverleg")).text
    zoek = await client.get("/casusoverleg/zoeken", params={"naam": "Gerda Grens"})
    assert "Geen personen gevonden" in zoek.text


async def test_participant_of_the_casus_sees_it(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    user = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    casus_id = await _casus(app_engine, settings, gemeente, "Dirk Deelnemer", user.organisation_id)
    page = await client.get(f"/casusoverleg/casussen/{casus_id}")
    assert page.status_code == 200
    assert "Dirk Deelnemer" in page.text


async def test_signal_form_refuses_bsn_keeps_input_and_saves(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    await sign_in_as(client, gemeente, Role.GEMEENTE_REGIE)
    form = await client.get("/casusoverleg/signalen/nieuw")
    assert form.status_code == 200
    velden = {
        CSRF_FIELD: _token(form.text),
        "naam": "Femke Formulier",
        "geboortedatum": "05-03-2001",
        "gemeente_van_verblijf": "9801",
        "ontvangen_op": date.today().strftime("%d-%m-%Y"),
        "omschrijving": "BSN 111222333 genoemd in melding",
    }
    refused = await client.post("/casusoverleg/signalen/nieuw", data=velden)
    assert refused.status_code == 422
    assert "burgerservicenummer" in refused.text
    assert 'value="Femke Formulier"' in refused.text
    wrong_date = await client.post(
        "/casusoverleg/signalen/nieuw", data={**velden, "geboortedatum": "31-02-2001"}
    )
    assert wrong_date.status_code == 422
    assert "dd-mm-jjjj" in wrong_date.text
    saved = await client.post(
        "/casusoverleg/signalen/nieuw",
        data={**velden, "omschrijving": "zorgen over uitingen"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Femke Formulier" in (await client.get("/casusoverleg")).text


async def test_search_is_logged_without_terms(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    await _casus(app_engine, settings, gemeente, "Zara Zoektest", uuid.uuid4())
    user = await sign_in_as(client, gemeente, Role.GEMEENTE_REGIE)
    found = await client.get("/casusoverleg/zoeken", params={"naam": "zoektest"})
    assert found.status_code == 200
    assert "Zara Zoektest" in found.text
    none = await client.get("/casusoverleg/zoeken", params={"naam": "bestaat-niet"})
    assert "Geen personen gevonden" in none.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        details = list(
            (
                await s.execute(
                    select(Verwerking.detail).where(
                        Verwerking.user_id == user.user_id, Verwerking.actie == "search"
                    )
                )
            ).scalars()
        )
        assert (await s.scalar(select(func.count()).select_from(Verwerking)) or 0) > 0
    assert len(details) == 2
    assert all("zoektest" not in (d or "") and "bestaat" not in (d or "") for d in details)


async def test_meeting_view_shows_only_items_of_municipalities_and_cases_of_the_viewer(
    client: Client,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
    sign_in_as: Callable[..., Awaitable[Any]],
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    alfa, bravo, charlie = tenant_a, tenant_b, await fresh_tenant()
    user = await sign_in_as(client, alfa, Role.PARTICIPANT)
    async with admin_engine.begin() as conn:
        await grant_membership(
            conn,
            user_id=user.user_id,
            organisation_id=user.organisation_id,
            role=Role.PARTICIPANT,
            tenant_id=bravo.id,
        )
    bijeenkomst = uuid.uuid4()
    for where, naam, deelnemer in (
        (alfa, "Anna Agenda", user.organisation_id),
        (bravo, "Bert Agenda", user.organisation_id),
        (bravo, "Bas Agenda", uuid.uuid4()),  # the viewer's organisation does not take part
        (charlie, "Cees Agenda", user.organisation_id),  # no membership in this municipality
    ):
        casus_id = await _casus(app_engine, settings, where, naam, deelnemer)
        async with tenant_session(app_engine, where, settings) as s, s.begin():
            await agendeer(
                s, SYSTEEM, casus_id=casus_id, bijeenkomst_id=bijeenkomst, doel="bespreking"
            )
    page = await client.get(f"/casusoverleg/bijeenkomsten/{bijeenkomst}")
    assert page.status_code == 200
    assert "Anna Agenda" in page.text
    assert "Bert Agenda" in page.text
    assert "Bas Agenda" not in page.text
    assert "Cees Agenda" not in page.text
    # Each item shown is a logged read in its own municipality.
    assert await _reads(app_engine, settings, alfa, user.user_id) == ["agenda"]
    assert await _reads(app_engine, settings, bravo, user.user_id) == ["agenda"]
    assert await _reads(app_engine, settings, charlie, user.user_id) == []


async def test_weging_screen_refuses_without_om_then_takes_the_person_in(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    suffix = uuid.uuid4().hex[:6]
    async with admin_engine.begin() as conn:
        hub_id = await conn.scalar(select(Hub.id).where(Hub.slug == hub))
        orgs = {
            soort: await create_organisation(
                conn,
                slug=f"w{soort}{suffix}",
                name=f"{soort.upper()} {suffix}",
                type=soort,
                email_domains=[f"{soort}{suffix}.test"],
                hub_id=None if soort == "gemeente" else hub_id,
                tenant_id=gemeente.id if soort == "gemeente" else None,
            )
            for soort in ("gemeente", "politie", "om")
        }
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Wendy Weegtest", "9801", "zorgen", orgs["politie"], date.today()),
        )
    await sign_in_as(client, gemeente, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    assert f"/casusoverleg/signalen/{signaal.id}/weging" in dashboard.text
    form = await client.get(f"/casusoverleg/signalen/{signaal.id}/weging")
    assert form.status_code == 200
    assert f'value="{orgs["om"]}"' in form.text
    velden: dict[str, Any] = {
        CSRF_FIELD: _token(form.text),
        "datum": date.today().strftime("%d-%m-%Y"),
        "aanwezig": [str(orgs["gemeente"]), str(orgs["politie"])],
        "redenering": "samenhangend zorgelijk beeld",
        "uitkomst": "opname",
        "actie": "vaststellen",
        **{f"{k}_beoordeling": "ernstige_zorg" for k in CRITERIA},
        **{f"{k}_toelichting": "toelichting" for k in CRITERIA},
    }
    zonder_om = await client.post(f"/casusoverleg/signalen/{signaal.id}/weging", data=velden)
    assert zonder_om.status_code == 422
    assert "Ontbreekt: OM" in zonder_om.text
    assert "samenhangend zorgelijk beeld" in zonder_om.text  # the input is kept
    velden["aanwezig"] = [str(o) for o in orgs.values()]
    vastgesteld = await client.post(
        f"/casusoverleg/signalen/{signaal.id}/weging", data=velden, follow_redirects=False
    )
    assert vastgesteld.status_code == 303
    opname = await client.get(vastgesteld.headers["location"])
    assert opname.status_code == 200
    casus = await client.post(
        vastgesteld.headers["location"],
        data={CSRF_FIELD: _token(opname.text)},
        follow_redirects=False,
    )
    assert casus.status_code == 303
    page = await client.get(casus.headers["location"])
    assert page.status_code == 200
    assert "Wendy Weegtest" in page.text
    # Once taken in, a second casus from the same weging is refused.
    again = await client.post(
        vastgesteld.headers["location"], data={CSRF_FIELD: _token(opname.text)}
    )
    assert again.status_code == 422
    assert "al een casus" in again.text


async def test_adding_information_keeps_input_on_error_and_tags_the_source(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    user = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    casus_id = await _casus(app_engine, settings, gemeente, "Ivo Invoer", user.organisation_id)
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/informatie")
    token = _token(fragment.text)
    url = f"/casusoverleg/casussen/{casus_id}/informatie"
    fout = await client.post(
        url,
        data={CSRF_FIELD: token, "tekst": "meldt BSN 111222333", "categorie": "gewoon"},
        headers={"HX-Request": "true"},
    )
    assert fout.status_code == 422
    assert "burgerservicenummer" in fout.text
    assert "meldt BSN 111222333" in fout.text
    ok = await client.post(
        url,
        data={CSRF_FIELD: token, "tekst": "heeft werk gevonden", "categorie": "bijzonder"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200
    # Added as special data: listed closed, even to the one who added it.
    assert "heeft werk gevonden" not in ok.text
    assert "Bijzondere gegevens" in ok.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        item = (
            await s.execute(
                select(InformatieItem).where(
                    InformatieItem.casus_id == casus_id,
                    InformatieItem.tekst == "heeft werk gevonden",
                )
            )
        ).scalar_one()
    assert item.bron_organisatie_id == user.organisation_id
