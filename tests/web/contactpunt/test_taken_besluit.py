"""The decision on a request and what follows it: an erasure carried out with its receipts,
a correction shown to its recipients, the inzage download."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken.besluit import neem_besluit
from casushub.tenants.verzoeken.rectificatie import rectificeer
from casushub.tenants.verzoeken.rules import Besluituitkomst, Kanaal, VerzoekType
from casushub.web.app import SESSION_COOKIE
from contactpunt.contactpuntkit import CSRF_FIELD, Client, staff_token, verzoek_van


async def test_the_decision_screen_records_and_carries_out_an_erasure_with_receipts(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    cp = await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    actor = Actor(cp.user_id, cp.organisation_id, "contactpunt")
    code = gemeente.slug.removeprefix("cp")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        persoon = Persoon(naam="Willem Wissen", gemeente_van_verblijf=code)
        s.add(persoon)
        await s.flush()
        s.add(
            Signaal(
                persoon_id=persoon.id,
                bron_organisatie_id=uuid.uuid4(),
                ontvangen_op=date(2027, 1, 4),
                omschrijving="Een melding.",
                status="te_wegen",
                legal_hold=False,
            )
        )
        stored = await verzoek_van(
            s, actor, "Willem Wissen", code, soort=VerzoekType.VERWIJDERING, persoon_id=persoon.id
        )
    pad = f"/contactpunt-taken/verzoek/{stored.id}"
    assert 'href="' + pad + '/besluit"' in (await client.get(pad)).text
    page = await client.get(f"{pad}/besluit")
    assert page.status_code == 200
    assert "Dit kan niet ongedaan worden gemaakt." in page.text
    assert "0 casussen en 1 signaal" in page.text
    # Nothing is chosen in advance.
    assert "checked" not in page.text
    token = await staff_token(client, f"{pad}/besluit")
    empty = await client.post(f"{pad}/besluit", data={"motivering": "", CSRF_FIELD: token})
    assert empty.status_code == 422
    assert "Kies het besluit" in empty.text
    done = await client.post(
        f"{pad}/besluit",
        data={
            "uitkomst": "toegewezen",
            "motivering": "Er is geen grond meer om de gegevens te bewaren.",
            CSRF_FIELD: token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = await client.get(pad)
    assert "Het besluit is vastgelegd en uitgevoerd." in after.text
    assert "Vernietigingsbewijs" in after.text
    assert "Verwijderverzoek" in after.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        assert (await s.scalars(select(Signaal))).all() == []
    # Decided: the decision page leads back to the request.
    again = await client.get(f"{pad}/besluit", follow_redirects=False)
    assert again.status_code == 303


async def test_a_correction_is_shown_to_its_recipients_only(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    ontvanger = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    buitenstaander = await sign_in_as(client, gemeente, Role.PARTICIPANT)
    lezer = Actor(ontvanger.user_id, ontvanger.organisation_id, "participant")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        persoon = Persoon(naam="Roos Rectificatie", gemeente_van_verblijf="9999")
        s.add(persoon)
        await s.flush()
        await record(
            s, lezer, actie=Actie.READ, gegevensgroep="persoon", doel="test", persoon_id=persoon.id
        )
        correctie, meldingen = await rectificeer(
            s,
            Actor(uuid.uuid4(), uuid.uuid4(), "contactpunt"),
            item_soort="persoon",
            item_id=persoon.id,
            veld="naam",
            nieuwe_waarde="Roos Rectificatie-de Vries",
        )
    assert [m.user_id for m in meldingen] == [ontvanger.user_id]
    pad = f"/contactpunt-taken/rectificatie/{correctie.id}"
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, buitenstaander.cookie)
    assert (await client.get(pad)).status_code == 404
    assert "Geen verbeterde gegevens" in (await client.get("/contactpunt-taken/verbeteringen")).text
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, ontvanger.cookie)
    # The recipient finds it from the werkruimte.
    werkruimte = await client.get("/werkruimte")
    assert 'href="/contactpunt-taken/verbeteringen"' in werkruimte.text
    lijst = await client.get("/contactpunt-taken/verbeteringen")
    assert f'href="{pad}"' in lijst.text
    assert "(nieuw)" in lijst.text
    page = await client.get(pad)
    assert page.status_code == 200
    assert "Roos Rectificatie-de Vries" in page.text
    assert "de naam van de betrokkene" in page.text
    assert "(nieuw)" not in (await client.get("/contactpunt-taken/verbeteringen")).text


async def test_inzage_download_for_the_person_is_logged(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    user = await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    actor = Actor(user.user_id, user.organisation_id, "contactpunt")
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        persoon = Persoon(naam="Ines Inzage", gemeente_van_verblijf="9999")
        s.add(persoon)
        await s.flush()
        stored = await verzoek_van(
            s, actor, "Ines Inzage", "9999", kanaal=Kanaal.BALIE, persoon_id=persoon.id
        )
        await neem_besluit(
            s,
            actor,
            stored.id,
            uitkomst=Besluituitkomst.TOEGEWEZEN,
            motivering="Alle gegevens worden verstrekt.",
        )
    as_json = await client.get(f"/contactpunt-taken/verzoek/{stored.id}/inzage/json")
    assert as_json.status_code == 200
    assert as_json.json()["persoon"]["naam"] == "Ines Inzage"
    assert "attachment" in as_json.headers["content-disposition"]
    as_pdf = await client.get(f"/contactpunt-taken/verzoek/{stored.id}/inzage/pdf")
    assert as_pdf.status_code == 200
    assert as_pdf.content.startswith(b"%PDF")
    async with tenant_session(app_engine, gemeente, settings) as s:
        exports = (
            await s.scalars(select(Verwerking).where(Verwerking.actie == Actie.EXPORT))
        ).all()
    assert len(exports) == 2
    assert {e.user_id for e in exports} == {user.user_id}
