"""Plan van aanpak, status, necessity review, closure, reopening, move and derden screens."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
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
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.casus.models import Casus
from casushub.tenants.overleg.services import agendeer
from casushub.tenants.weging.rules import CRITERIA

Client = AsyncTestClient[Litestar]


async def test_plan_fragment_adds_interventions_inline_and_flags_overdue(
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
        app_engine, settings, tenant_a, "Pim Planscherm", [(orgs.politie, "politie")]
    )
    user = await sign_in_as(
        client, tenant_a, Role.GEMEENTE_REGIE
    )  # the regie may do all the procesregisseur does
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/plan", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Interventie toevoegen" in fragment.text
    url = f"/casusoverleg/casussen/{casus_id}/interventies"
    basis = {
        CSRF_FIELD: token(fragment.text),
        "omschrijving": "Begeleiding naar werk",
        "domein": "werk_inkomen",
        "verantwoordelijke": str(orgs.politie),
        "bevoegdheid": "",
        "deadline": (date.today() - timedelta(days=1)).strftime("%d-%m-%Y"),
    }
    # No legal power: refused inline, the input kept.
    fout = await client.post(url, data=basis, headers=HX)
    assert fout.status_code == 422
    assert "geen bevoegdheden" in fout.text
    assert "Begeleiding naar werk" in fout.text
    # A satellite partner without a recorded commission cannot be responsible.
    partner = await client.post(
        url,
        data=basis | {"verantwoordelijke": str(orgs.partner), "bevoegdheid": "Wmo"},
        headers=HX,
    )
    assert partner.status_code == 422
    assert "in opdracht van een deelnemer" in partner.text
    goed = await client.post(url, data=basis | {"bevoegdheid": "Politiewet art. 3"}, headers=HX)
    assert goed.status_code == 200, goed.text
    assert "Begeleiding naar werk" in goed.text
    assert "te laat" in goed.text  # the due date has passed and it is still planned
    # Commissioned by a participant of the casus, the partner may act.
    opdracht = await client.post(
        url,
        data=basis
        | {
            "omschrijving": "Zorgtraject",
            "domein": "zorg",
            "verantwoordelijke": str(orgs.partner),
            "bevoegdheid": "Wmo 2015",
            "deadline": "",
            "opdrachtgever": str(orgs.politie),
            "opdracht": "Start een zorgtraject",
        },
        headers=HX,
    )
    assert opdracht.status_code == 200, opdracht.text
    assert "Start een zorgtraject" in opdracht.text
    vast = await client.post(
        f"/casusoverleg/casussen/{casus_id}/plan/vaststellen",
        data={CSRF_FIELD: token(opdracht.text), "doel": "Perspectief op werk"},
        headers=HX,
    )
    assert vast.status_code == 200
    assert "Vastgesteld op" in vast.text
    groepen = [g for g, _, _ in await verwerkingen(app_engine, settings, tenant_a, user.user_id)]
    assert groepen.count("plan") >= 4  # each render is a logged read, each change a write


async def test_participant_sees_the_plan_but_cannot_change_it(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
) -> None:
    orgs = await partijen(admin_engine, await hub_id(admin_engine, hub))
    user = await sign_in_as(client, tenant_a, Role.PARTICIPANT)
    casus_id, _ = await casus(
        app_engine, settings, tenant_a, "Paula Partner", [(user.organisation_id, "politie")]
    )
    fragment = await client.get(f"/casusoverleg/casussen/{casus_id}/plan", headers=HX)
    assert fragment.status_code == 200
    assert "Interventie toevoegen" not in fragment.text
    geweigerd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/status",
        data={CSRF_FIELD: token((await client.get("/casusoverleg/signalen/nieuw")).text)}
        | {"naar": "lopend"},
    )
    assert geweigerd.status_code == 403
    assert orgs  # the hub's organisations exist; the participant still may not act


async def test_status_review_closure_and_reopening(
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
        app_engine, settings, tenant_a, "Vera Verloop", [(orgs.politie, "politie")]
    )
    user = await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    base = f"/casusoverleg/casussen/{casus_id}"
    pagina = await client.get(base)
    assert pagina.status_code == 200
    # The summary names the municipality; the actions are links to their own pages.
    assert "Gemeente Alfa" in pagina.text
    for pad in ("herbeoordeling", "verhuizing", "afsluiten"):
        assert f'href="{base}/{pad}"' in pagina.text
    csrf = token(pagina.text)

    async def status(naar: str) -> Any:
        return await client.post(
            f"{base}/status", data={CSRF_FIELD: csrf, "naar": naar}, follow_redirects=False
        )

    lopend = await status("lopend")
    assert lopend.status_code == 303
    na = await client.get(lopend.headers["location"])
    assert 'id="casus-status">lopend' in na.text
    assert "Status gewijzigd" in na.text
    assert (await status("monitoren")).status_code == 303
    # Back to lopend needs a recorded re-assessment against the five criteria.
    terug = await status("lopend")
    assert terug.status_code == 422
    assert "herbeoordeling" in terug.text
    assert "data-error-summary" in terug.text
    onvolledig = await client.post(
        f"{base}/herbeoordeling",
        data={CSRF_FIELD: csrf, "herbeoordeling_datum": "", "h_redenering": "nog zorgen"},
    )
    assert onvolledig.status_code == 422
    assert "nog zorgen" in onvolledig.text  # input kept
    assert "<html" in onvolledig.text  # its own page, with the error summary
    criteria = {f"h_{k}_beoordeling": "enige_zorg" for k in CRITERIA} | {
        f"h_{k}_toelichting": "besproken" for k in CRITERIA
    }
    herbeoordeeld = await client.post(
        f"{base}/herbeoordeling",
        follow_redirects=False,
        data={
            CSRF_FIELD: csrf,
            "herbeoordeling_datum": date.today().strftime("%d-%m-%Y"),
            "h_redenering": "opnieuw zorgen",
            **criteria,
        },
    )
    assert herbeoordeeld.status_code == 303, herbeoordeeld.text
    bevestigd = await client.get(herbeoordeeld.headers["location"])
    assert "Herbeoordeling vastgelegd" in bevestigd.text
    assert "Herbeoordeling vastgelegd" not in (await client.get(base)).text  # shown once
    assert (await status("lopend")).status_code == 303
    # Closing: its own page says what will happen, with the destruction date.
    sluiten = await client.get(f"{base}/afsluiten")
    assert sluiten.status_code == 200
    assert "vernietigd op" in sluiten.text
    assert re.search(r"vernietigd op <strong>\d{2}-\d{2}-\d{4}</strong>", sluiten.text)
    zonder_reden = await client.post(
        f"{base}/afsluiten",
        data={CSRF_FIELD: csrf, "afsluit_reden": "", "afsluit_datum": "31-02-2026"},
    )
    assert zonder_reden.status_code == 422
    assert "reden van afsluiting" in zonder_reden.text
    assert 'href="#afsluit_datum"' in zonder_reden.text  # both errors at once
    dicht = await client.post(
        f"{base}/afsluiten",
        data={
            CSRF_FIELD: csrf,
            "afsluit_reden": "doelen bereikt",
            "afsluit_datum": date.today().strftime("%d-%m-%Y"),
        },
        follow_redirects=False,
    )
    assert dicht.status_code == 303
    gesloten = await client.get(dicht.headers["location"])
    assert 'id="destroy-on"' in gesloten.text
    assert "De gegevens worden vernietigd op" in gesloten.text
    assert f'href="{base}/heropenen"' in gesloten.text
    heropenen = await client.get(f"{base}/heropenen")
    assert "vernietigingsdatum" in heropenen.text
    open_ = await client.post(f"{base}/heropenen", data={CSRF_FIELD: csrf}, follow_redirects=False)
    assert open_.status_code == 303
    heropend = await client.get(open_.headers["location"])
    assert 'id="casus-status">lopend' in heropend.text
    assert 'id="destroy-on"' not in heropend.text
    doelen = [d for _, a, d in await verwerkingen(app_engine, settings, tenant_a, user.user_id)]
    assert "afsluiten" in doelen
    assert "afsluiting teruggedraaid" in doelen
    assert "noodzaaktoets" in doelen
    # The course of the casus: what happened and who did it, by name.
    verloop = await client.get(f"{base}/verloop")
    assert verloop.status_code == 200
    tabel = verloop.text.split('id="geschiedenis"')[1]
    for wat in ("Casus: afsluiten", "Herbeoordeling: noodzaaktoets", "Casus: status: lopend"):
        assert wat in tabel
    assert str(user.user_id) not in tabel


async def test_overdue_review_blocks_lopend_on_the_screen(
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
        app_engine,
        settings,
        tenant_a,
        "Otto Overtijd",
        [(orgs.politie, "politie")],
        intake=date.today() - timedelta(days=800),
    )
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    reviews = dashboard.text.split('id="lijst-reviews"')[1].split("<h2")[0]
    assert "Otto Overtijd" in reviews
    pagina = await client.get(f"/casusoverleg/casussen/{casus_id}")
    assert "Noodzaaktoets verlopen" in pagina.text
    geweigerd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/status",
        data={CSRF_FIELD: token(pagina.text), "naar": "lopend"},
    )
    assert geweigerd.status_code == 422
    assert "noodzaaktoets is verlopen" in geweigerd.text


async def test_move_and_linked_persons(
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
        app_engine, settings, tenant_a, "Mo Verhuisd", [(orgs.politie, "politie")]
    )
    user = await sign_in_as(
        client, tenant_a, Role.GEMEENTE_REGIE
    )  # the regie may do all the procesregisseur does
    formulier = await client.get(f"/casusoverleg/casussen/{casus_id}/verhuizing")
    assert formulier.status_code == 200
    assert "Gemeente Bravo" in formulier.text  # chosen by name
    assert "contactpunt" in formulier.text  # says what will happen
    csrf = token(formulier.text)
    fout = await client.post(
        f"/casusoverleg/casussen/{casus_id}/verhuizing",
        data={
            CSRF_FIELD: csrf,
            "naar_gemeente": "anders",
            "andere_gemeentecode": "98",
            "verhuis_datum": "01-02-2026",
        },
    )
    assert fout.status_code == 422
    assert 'value="98"' in fout.text
    verhuisd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/verhuizing",
        data={CSRF_FIELD: csrf, "naar_gemeente": "9802", "verhuis_datum": "01-02-2026"},
        follow_redirects=False,
    )
    assert verhuisd.status_code == 303
    na = await client.get(verhuisd.headers["location"])
    assert "de gemeente van verblijf is nu Gemeente Bravo" in na.text
    assert "ziet de overdrachtstaak op haar overzicht" in na.text
    assert 'id="casus-verblijf">Gemeente Bravo</dd>' in na.text
    derden = await client.get(f"/casusoverleg/casussen/{casus_id}/derden", headers=HX)
    assert "Geen betrokken personen" in derden.text
    leeg = await client.post(
        f"/casusoverleg/casussen/{casus_id}/derden",
        data={CSRF_FIELD: csrf, "derde_naam": "Ria Moeder", "relatie": ""},
        headers=HX,
    )
    assert leeg.status_code == 422
    assert "Ria Moeder" in leeg.text
    toegevoegd = await client.post(
        f"/casusoverleg/casussen/{casus_id}/derden",
        data={CSRF_FIELD: csrf, "derde_naam": "Ria Moeder", "relatie": "moeder"},
        headers=HX,
    )
    assert toegevoegd.status_code == 200
    assert "Ria Moeder (moeder)" in toegevoegd.text
    log = await verwerkingen(app_engine, settings, tenant_a, user.user_id)
    groepen = [g for g, _, _ in log]
    assert "verhuizing" in groepen
    assert "derde" in groepen
    assert ("verhuizing", "create", "overdrachtstaak gemeld aan nieuwe gemeente") in log

    # The new municipality (a tenant of the hub) sees the task, without personal data.
    client.cookies.clear()
    await sign_in_as(client, tenant_b, Role.GEMEENTE_REGIE)
    dashboard = await client.get("/casusoverleg")
    overdrachten = dashboard.text.split("Overdrachten naar uw gemeente")[1].split("<h2")[0]
    assert "Gemeente Alfa draagt" in overdrachten
    assert "9801" not in overdrachten
    assert "01-02-2026" in overdrachten
    assert "Mo Verhuisd" not in dashboard.text
    melding = re.search(r"/casusoverleg/overdrachten/([0-9a-f-]+)/afgehandeld", overdrachten)
    assert melding is not None
    klaar = await client.post(
        melding.group(0), data={CSRF_FIELD: token(dashboard.text)}, follow_redirects=False
    )
    assert klaar.status_code == 303
    assert melding.group(1) not in (await client.get("/casusoverleg")).text
    # A move to a municipality that is not on the hub keeps the task with the sender.
    client.cookies.clear()
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    formulier = await client.get(f"/casusoverleg/casussen/{casus_id}/verhuizing")
    buiten = await client.post(
        f"/casusoverleg/casussen/{casus_id}/verhuizing",
        data={
            CSRF_FIELD: token(formulier.text),
            "naar_gemeente": "anders",
            "andere_gemeentecode": "GM0363",
            "verhuis_datum": "02-02-2026",
        },
        follow_redirects=False,
    )
    assert buiten.status_code == 303
    na = await client.get(buiten.headers["location"])
    assert "buiten het platform" in na.text
    assert "CBS-code 0363" in na.text


async def test_summary_flags_and_meetings_on_the_first_screen(
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
    meeting, overleg = await bijeenkomst(admin_engine, hub_uuid, [tenant_a])
    casus_id, _ = await casus(
        app_engine,
        settings,
        tenant_a,
        "Flora Vlag",
        [(orgs.politie, "politie")],
        intake=date.today() - timedelta(days=800),
    )
    async with tenant_session(app_engine, tenant_a, settings) as s, s.begin():
        await s.execute(update(Casus).where(Casus.id == casus_id).values(legal_hold=True))
        await agendeer(s, SYSTEEM, casus_id=casus_id, bijeenkomst_id=meeting, doel="review")
    await sign_in_as(client, tenant_a, Role.GEMEENTE_REGIE)
    for pad in ("", "/informatie", "/verloop"):
        pagina = await client.get(f"/casusoverleg/casussen/{casus_id}{pad}")
        assert pagina.status_code == 200
        kop = pagina.text.split('class="casus-secties"')[0]
        for vlag in ("Noodzaaktoets verlopen", "Plan van aanpak te laat", "Bewaarplicht"):
            assert vlag in kop, (pad, vlag)
        assert f'href="/casusoverleg/bijeenkomsten/{meeting}"' in kop
        assert overleg in kop
        assert "Gemeente Alfa" in kop
        assert "9801" not in kop  # names, never codes
