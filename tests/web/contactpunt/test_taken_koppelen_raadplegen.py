"""Linking a request to the person (or recording that they are not known) and consulting
the participants, who answer and may withhold their item."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.klok import vandaag
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verzoeken.models import Consultatie, InzageBeperking, Verzoek
from casushub.tenants.verzoeken.rules import Kanaal
from casushub.web.app import SESSION_COOKIE
from contactpunt.contactpuntkit import CSRF_FIELD, Client, staff_token, verzoek_van


async def test_officer_finds_the_person_links_them_and_sees_who_answered(
    client: Client,
    settings: Settings,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
) -> None:
    code = gemeente.slug.removeprefix("cp")
    officer = politie = client
    deelnemer = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    cp = await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    actor = Actor(cp.user_id, cp.organisation_id, "contactpunt")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        persoon = Persoon(
            naam="Lotte Koppeling",
            geboortedatum=date(1991, 2, 3),
            gemeente_van_verblijf=code,
        )
        anders = Persoon(naam="Lotte Anders", gemeente_van_verblijf=code)
        s.add_all([persoon, anders])
        await s.flush()
        s.add(
            Signaal(
                persoon_id=persoon.id,
                bron_organisatie_id=deelnemer.organisation_id,
                ontvangen_op=date(2027, 1, 4),
                omschrijving="Melding van de politie.",
                status="te_wegen",
                legal_hold=False,
            )
        )
        stored = await verzoek_van(s, actor, "Lotte Koppeling", code)
        persoon_id = persoon.id
    pad = f"/contactpunt-taken/verzoek/{stored.id}"
    page = await officer.get(pad)
    assert "Zoek de betrokkene" in page.text
    found = await officer.get(pad, params={"zoek_naam": "lotte", "zoek_geboortedatum": ""})
    assert "Lotte Koppeling, geboren 3 februari 1991" in found.text
    assert "Lotte Anders" in found.text
    narrowed = await officer.get(
        pad, params={"zoek_naam": "lotte", "zoek_geboortedatum": "03-02-1991"}
    )
    assert "Lotte Anders" not in narrowed.text
    wrong_date = await officer.get(pad, params={"zoek_geboortedatum": "31-02-1991"})
    assert wrong_date.status_code == 422
    token = await staff_token(officer, pad)
    nobody = await officer.post(f"{pad}/koppelen", data={"dagen": "10", CSRF_FIELD: token})
    assert nobody.status_code == 422
    assert "Kies de persoon om wie het verzoek gaat." in nobody.text
    too_long = await officer.post(
        f"{pad}/koppelen",
        data={"persoon_id": str(persoon_id), "dagen": "400", CSRF_FIELD: token},
    )
    assert too_long.status_code == 422
    assert "tussen 1 en 60 dagen" in too_long.text
    linked = await officer.post(
        f"{pad}/koppelen",
        data={"persoon_id": str(persoon_id), "dagen": "10", CSRF_FIELD: token},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    after = await officer.get(pad)
    assert "De persoon is gekoppeld." in after.text
    assert "0 van de 1 deelnemers hebben gereageerd" in after.text
    assert "Nog geen reactie" in after.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        (taak,) = (await s.scalars(select(Consultatie))).all()
    assert taak.organisatie_id == deelnemer.organisation_id
    assert taak.termijn == min(vandaag() + timedelta(days=10), stored.termijn - timedelta(days=5))
    # The participant answers on its own page.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, deelnemer.cookie)
    werkruimte = await politie.get("/werkruimte")
    assert "Raadplegingen van het contactpunt" in werkruimte.text
    assert 'href="/contactpunt-taken/raadplegingen"' in werkruimte.text
    vraag = await politie.get("/contactpunt-taken/raadplegingen")
    assert "Lotte Koppeling" in vraag.text
    ptoken = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', vraag.text)
    assert ptoken
    await politie.post(
        f"/contactpunt-taken/raadplegingen/{taak.id}",
        data={"antwoord": "Geen bezwaar tegen inzage.", CSRF_FIELD: ptoken.group(1)},
    )
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cp.cookie)
    answered = await officer.get(pad)
    assert "1 van de 1 deelnemers heeft gereageerd" in answered.text
    assert "Geen bezwaar tegen inzage." in answered.text


async def test_officer_records_that_the_person_is_not_known(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    cp = await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    actor = Actor(cp.user_id, cp.organisation_id, "contactpunt")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        stored = await verzoek_van(s, actor, "Nina Nergens", gemeente.slug.removeprefix("cp"))
    pad = f"/contactpunt-taken/verzoek/{stored.id}"
    empty = await client.get(pad, params={"zoek_naam": "nergens"})
    assert "Geen personen gevonden" in empty.text
    token = await staff_token(client, pad)
    sent = await client.post(f"{pad}/onbekend", data={CSRF_FIELD: token}, follow_redirects=False)
    assert sent.status_code == 303
    page = await client.get(pad)
    assert "niet bekend" in page.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        found = await s.get(Verzoek, stored.id)
        assert found is not None
        assert found.persoon_onbekend_op is not None
        assert found.status == "in_behandeling"


async def test_a_participant_answers_its_consultation_and_withholds_its_item(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    user = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    contactpunt = Actor(uuid.uuid4(), uuid.uuid4(), "contactpunt")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        persoon = Persoon(naam="Rik Raadpleging", gemeente_van_verblijf="9999")
        s.add(persoon)
        await s.flush()
        signaal = Signaal(
            persoon_id=persoon.id,
            bron_organisatie_id=user.organisation_id,
            ontvangen_op=date(2027, 1, 4),
            omschrijving="Melding uit lopend onderzoek.",
            status="te_wegen",
            legal_hold=False,
        )
        s.add(signaal)
        await s.flush()
        signaal_id = signaal.id
        await verzoek_van(
            s, contactpunt, "Rik Raadpleging", "9999", kanaal=Kanaal.BALIE, persoon_id=persoon.id
        )
        (taak,) = (await s.scalars(select(Consultatie))).all()
        taak_id = taak.id
    page = await client.get("/contactpunt-taken/raadplegingen")
    assert page.status_code == 200
    assert "Rik Raadpleging" in page.text
    assert "Melding uit lopend onderzoek." in page.text
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert token
    wrong = await client.post(
        "/contactpunt-taken/raadplegingen/beperken",
        data={
            "taak": str(taak_id),
            "item": "",
            "grond": "",
            "herzien_op": "morgen",
            CSRF_FIELD: token.group(1),
        },
    )
    assert wrong.status_code == 422
    # Each message links to the field of this consultation's form.
    for veld in ("item", "grond", "herzien"):
        assert f'href="#{veld}-{taak_id}"' in wrong.text
        assert f'id="{veld}-{taak_id}"' in wrong.text
    answered = await client.post(
        f"/contactpunt-taken/raadplegingen/{taak_id}",
        data={"antwoord": "Eén melding graag achterhouden.", CSRF_FIELD: token.group(1)},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    herzien = (vandaag() + timedelta(days=30)).isoformat()
    restricted = await client.post(
        "/contactpunt-taken/raadplegingen/beperken",
        data={
            "item": f"signaal:{signaal_id}",
            "grond": "opsporing",
            "herzien_op": herzien,
            "toelichting": "Onderzoek loopt nog.",
            CSRF_FIELD: token.group(1),
        },
        follow_redirects=False,
    )
    assert restricted.status_code == 303
    async with tenant_session(app_engine, gemeente, settings) as s:
        (beperking,) = (await s.scalars(select(InzageBeperking))).all()
        antwoord = await s.scalar(select(Consultatie.antwoord).where(Consultatie.id == taak_id))
    assert (beperking.item_id, beperking.grond) == (signaal_id, "opsporing")
    assert beperking.gevraagd_door_organisatie == user.organisation_id
    assert antwoord == "Eén melding graag achterhouden."
    # The contactpunt's own screens stay closed to the participant.
    assert (await client.get("/contactpunt-taken")).status_code == 403
