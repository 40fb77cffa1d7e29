"""The contactpunt's staff screens for requests: registering one, the queue (sorting,
filters, search) and who may open them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verzoeken.rules import VerzoekType
from contactpunt.contactpuntkit import (
    CSRF_FIELD,
    Client,
    formulier,
    opgeslagen_verzoeken,
    staff_token,
    verzoek_van,
)


async def test_staff_register_a_letter_decide_and_see_the_queue(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    leeg = await client.get("/contactpunt-taken")
    assert leeg.status_code == 200
    assert "Geen lopende verzoeken" in leeg.text
    token = await staff_token(client, "/contactpunt-taken/nieuw")
    own_code = gemeente.slug.removeprefix("cp")
    sent = await client.post(
        "/contactpunt-taken/nieuw",
        data={
            **formulier(naam="Bram Briefschrijver", kanaal="brief", type="rectificatie"),
            "gemeente_van_verblijf": own_code,
            CSRF_FIELD: token,
        },
    )
    assert sent.status_code == 200
    assert "Verzoek geregistreerd" in sent.text
    (stored,) = await opgeslagen_verzoeken(app_engine, settings, gemeente)
    assert stored.kanaal == "brief"
    assert stored.ontvangstnummer in sent.text
    queue = await client.get("/contactpunt-taken")
    assert stored.ontvangstnummer in queue.text
    assert "Bram Briefschrijver" in queue.text  # found by name in the queue
    detail = await client.get(f"/contactpunt-taken/verzoek/{stored.id}")
    assert detail.status_code == 200
    assert "Bram Briefschrijver" in detail.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        reads = (
            await s.scalars(
                select(Verwerking).where(
                    Verwerking.actie == Actie.READ, Verwerking.detail == f"verzoek={stored.id}"
                )
            )
        ).all()
    assert len(reads) == 1
    token = await staff_token(client, f"/contactpunt-taken/verzoek/{stored.id}")
    # No decision about nobody: first link the person or record that they are not known.
    unlinked = await client.post(
        f"/contactpunt-taken/verzoek/{stored.id}/besluit",
        data={
            "uitkomst": "toegewezen",
            "motivering": "De naam wordt verbeterd zoals gevraagd.",
            CSRF_FIELD: token,
        },
    )
    assert unlinked.status_code == 422
    assert "Koppel het verzoek eerst aan de persoon" in unlinked.text
    await client.post(f"/contactpunt-taken/verzoek/{stored.id}/onbekend", data={CSRF_FIELD: token})
    kort = await client.post(
        f"/contactpunt-taken/verzoek/{stored.id}/besluit",
        data={"uitkomst": "toegewezen", "motivering": "ja", CSRF_FIELD: token},
    )
    assert kort.status_code == 422
    assert "Motiveer het besluit" in kort.text
    besloten = await client.post(
        f"/contactpunt-taken/verzoek/{stored.id}/besluit",
        data={
            "uitkomst": "toegewezen",
            "motivering": "De naam wordt verbeterd zoals gevraagd.",
            CSRF_FIELD: token,
        },
        follow_redirects=False,
    )
    assert besloten.status_code == 303
    after = await client.get(f"/contactpunt-taken/verzoek/{stored.id}")
    assert "De naam wordt verbeterd zoals gevraagd." in after.text
    assert stored.ontvangstnummer not in (await client.get("/contactpunt-taken")).text


async def test_staff_registration_for_a_municipality_elsewhere_says_whom_to_send_it_to(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
) -> None:
    await sign_in_as(client, gemeente, Role.GEMEENTE_REGIE)
    token = await staff_token(client, "/contactpunt-taken/nieuw")
    sent = await client.post(
        "/contactpunt-taken/nieuw",
        data={
            **formulier(kanaal="balie"),
            "gemeente_van_verblijf": "elders",
            "andere_gemeentecode": "0150",
            CSRF_FIELD: token,
        },
    )
    assert sent.status_code == 200
    assert "Doorsturen naar de gemeente van verblijf" in sent.text
    assert "GM0150" in sent.text


async def test_staff_registration_lists_every_error_in_form_order(
    client: Client, sign_in_as: Callable[..., Awaitable[Any]], gemeente: TenantRef
) -> None:
    await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    token = await staff_token(client, "/contactpunt-taken/nieuw")
    page = await client.get("/contactpunt-taken/nieuw")
    # The municipality is chosen by name, nothing is chosen in advance.
    assert f">Gemeente Cp{gemeente.slug.removeprefix('cp')}</option>" in page.text
    form = page.text[page.text.index('action="/contactpunt-taken/nieuw"') :]
    assert "selected" not in form[: form.index("</form>")]
    sent = await client.post(
        "/contactpunt-taken/nieuw",
        data={"bericht": "BSN 123456782", CSRF_FIELD: token},
    )
    assert sent.status_code == 422
    html = sent.text
    order = [
        html.index(f'href="#{veld}"')
        for veld in ("type", "kanaal", "gemeente_van_verblijf", "naam", "email", "bericht")
    ]
    assert order == sorted(order)
    assert "Leg geen BSN vast" in html


async def test_the_queue_shows_names_overdue_first_and_sorts_filters_and_searches(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    user = await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    actor = Actor(user.user_id, user.organisation_id, "contactpunt")
    code = gemeente.slug.removeprefix("cp")
    nu = datetime.now(UTC)
    async with tenant_session(app_engine, gemeente, settings) as s, s.begin():
        for naam, soort, dagen_geleden in (
            ("Anna Aalders", VerzoekType.INZAGE, 1),
            ("Zeno Zwart", VerzoekType.VERWIJDERING, 3),
            ("Otto Overtijd", VerzoekType.BEZWAAR, 45),
            ("Percy 100%_zeker", VerzoekType.RECTIFICATIE, 2),
        ):
            await verzoek_van(
                s, actor, naam, code, soort=soort, ontvangen=nu - timedelta(days=dagen_geleden)
            )

    def order(html: str, *namen: str) -> list[int]:
        return [html.index(n) for n in namen]

    page = await client.get("/contactpunt-taken")
    assert page.status_code == 200
    html = page.text
    # Overdue first, whatever the sort; then by deadline.
    assert order(html, "Otto Overtijd", "Zeno Zwart", "Percy", "Anna Aalders") == sorted(
        order(html, "Otto Overtijd", "Zeno Zwart", "Percy", "Anna Aalders")
    )
    assert "dagen te laat" in html
    assert "1 verzoek is te laat." in html
    for kolom in ("Indiener", "Soort", "Ontvangen", "Uiterlijk beslissen", "Status"):
        assert kolom in html
    by_name = (await client.get("/contactpunt-taken?sorteer=naam&richting=aflopend")).text
    assert by_name.index("Otto Overtijd") < by_name.index("Zeno Zwart")
    assert by_name.index("Zeno Zwart") < by_name.index("Percy") < by_name.index("Anna Aalders")
    assert 'aria-sort="descending"' in by_name
    erasures = (await client.get("/contactpunt-taken?soort=verwijdering")).text
    assert "Zeno Zwart" in erasures
    assert "Anna Aalders" not in erasures
    found = (await client.get("/contactpunt-taken?zoek=aalders")).text
    assert "Anna Aalders" in found
    assert "Zeno Zwart" not in found
    # % and _ are matched literally, not as wildcards.
    literal = (await client.get("/contactpunt-taken", params={"zoek": "100%_z"})).text
    assert "Percy 100%_zeker" in literal
    assert "Anna Aalders" not in literal
    wildcard = (await client.get("/contactpunt-taken", params={"zoek": "%"})).text
    assert "Percy 100%_zeker" in wildcard
    assert "Anna Aalders" not in wildcard
    none = (await client.get("/contactpunt-taken", params={"zoek": "_"})).text
    assert "Geen verzoeken gevonden" not in none
    assert "Anna Aalders" not in none
    async with tenant_session(app_engine, gemeente, settings) as s:
        searches = (
            await s.scalars(select(Verwerking).where(Verwerking.actie == Actie.SEARCH))
        ).all()
    # Logged without the term itself.
    assert searches
    assert all("aalders" not in (v.detail or "").lower() for v in searches)


async def test_staff_screens_are_for_the_contactpunt_only(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
) -> None:
    anonymous = await client.get("/contactpunt-taken", follow_redirects=False)
    assert anonymous.status_code in {302, 303, 401}
    await sign_in_as(client, gemeente, Role.PARTICIPANT)
    assert (await client.get("/contactpunt-taken")).status_code == 403
