"""The public contactpunt page: explanation, form, receipt, Dutch errors, limits, abuse."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import Role
from casushub.platform.klok import vandaag
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import services
from casushub.tenants.verzoeken.besluit import neem_besluit
from casushub.tenants.verzoeken.models import Consultatie, Doorzending, InzageBeperking, Verzoek
from casushub.tenants.verzoeken.rectificatie import rectificeer
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    Kanaal,
    VerzoekType,
    termijn,
    valideer_ontvangstnummer,
)
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.web.app import SESSION_COOKIE, create_app, session_config
from casushub.web.contactpunt import TE_VEEL, TE_VEEL_EMAIL

CSRF_FIELD = "_csrf_token"
Client = AsyncTestClient[Litestar]


def _app(
    settings: Settings, *, contactpunt_limiet_client: int, contactpunt_limiet_email: int
) -> Litestar:
    # The limiter counts in the shared test database, keyed with the app's secret: a secret of
    # its own gives each app fresh counts.
    return create_app(
        replace(
            settings,
            secret_key=secrets.token_hex(24),
            contactpunt_limiet_client=contactpunt_limiet_client,
            contactpunt_limiet_email=contactpunt_limiet_email,
        )
    )


@pytest.fixture(scope="module")
def ruim_app(settings: Settings) -> Litestar:
    # Generous limits, so these tests do not trip the limiter the last test checks.
    return _app(settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1000)


async def _client(app: Litestar, settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client


@pytest.fixture
async def client(ruim_app: Litestar, settings: Settings) -> AsyncIterator[Client]:
    async for client in _client(ruim_app, settings):
        yield client


@pytest.fixture
async def gemeente(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> TenantRef:
    code = unique_code()
    return await create_tenant(
        admin_engine,
        settings,
        slug=f"cp{code}",
        name=f"Gemeente Cp{code}",
        gemeentecode=code,
        hub_slug=hub,
    )


async def _token(client: Client, slug: str) -> str:
    page = await client.get(f"/contactpunt/{slug}")
    assert page.status_code == 200
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert found, "the form carries the CSRF token"
    return found.group(1)


def _formulier(gemeente: TenantRef | None = None, /, **extra: str) -> dict[str, str]:
    return {
        "gemeente_van_verblijf": gemeente.slug.removeprefix("cp") if gemeente else "",
        "type": "inzage",
        "naam": "Fatima el Amrani",
        "geboortedatum": "17-03-1990",
        "email": "fatima@voorbeeld.nl",
        "telefoon": "",
        "adres": "",
        "bericht": "Ik wil weten wat er over mij is vastgelegd.",
        "website": "",
        **extra,
    }


async def _verzoeken(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> list[Verzoek]:
    async with tenant_session(app_engine, tenant, settings) as session:
        return list((await session.scalars(select(Verzoek))).all())


async def test_the_page_explains_rights_in_plain_dutch_with_a_protected_form(
    client: Client, gemeente: TenantRef
) -> None:
    page = await client.get(f"/contactpunt/{gemeente.slug}")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Uw gegevens en uw rechten</h1>" in html
    assert "Gemeente Cp" in html
    for woord in ("Inzage", "Verbetering", "Verwijdering", "Beperking", "Bezwaar"):
        assert woord in html
    assert "paspoort, identiteitskaart of rijbewijs" in html
    assert "binnen één maand" in html
    assert f'name="{CSRF_FIELD}"' in html
    assert 'name="website"' in html  # the honeypot
    # Strict CSP: no inline scripts or styles.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html
    assert " style=" not in html
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    # Public: no sign-in needed, and no session id is required to see it.
    assert "/auth/login" not in str(page.url)


async def test_unknown_municipality_is_404(client: Client) -> None:
    for slug in ("bestaatniet", "NIET-GELDIG", "a"):
        page = await client.get(f"/contactpunt/{slug}")
        assert page.status_code == 404
        assert "Pagina niet gevonden" in page.text


async def test_a_valid_submission_lands_in_the_queue_with_day_zero_and_a_receipt(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(gemeente, **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/contactpunt/{gemeente.slug}/ontvangen"
    (stored,) = await _verzoeken(app_engine, settings, gemeente)
    assert stored.type == "inzage"
    assert stored.kanaal == "webformulier"
    assert stored.indiener_naam == "Fatima el Amrani"
    assert stored.betrokkene_geboortedatum == date(1990, 3, 17)
    assert stored.ontvangen_op == vandaag()
    assert stored.termijn == termijn(vandaag())
    assert valideer_ontvangstnummer(stored.ontvangstnummer)
    # The number is not in the URL (access logs); the receipt page shows it.
    assert stored.ontvangstnummer not in sent.headers["location"]
    receipt = await client.get(sent.headers["location"])
    assert receipt.status_code == 200
    assert stored.ontvangstnummer in receipt.text
    assert "Wij hebben uw verzoek ontvangen" in receipt.text


async def test_validation_errors_are_dutch_and_keep_the_input(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(
            gemeente,
            naam="",
            type="",
            email="geen-adres",
            telefoon="06-ABC",
            bericht="Mijn gegevens kloppen niet.",
            **{CSRF_FIELD: token},
        ),
    )
    assert sent.status_code == 422
    html = sent.text
    assert "Er is een probleem" in html
    assert "Vul uw naam in." in html
    assert "Kies wat u wilt vragen." in html
    assert "Vul een e-mailadres in zoals naam@voorbeeld.nl." in html
    assert "Vul een telefoonnummer in" in html
    assert 'value="geen-adres"' in html
    assert 'value="06-ABC"' in html
    assert "Mijn gegevens kloppen niet.</textarea>" in html
    assert 'aria-invalid="true"' in html
    assert html.index('href="#type"') < html.index('href="#naam"') < html.index('href="#email"')
    assert await _verzoeken(app_engine, settings, gemeente) == []


async def test_a_contact_route_is_required(client: Client, gemeente: TenantRef) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(gemeente, email="", **{CSRF_FIELD: token}),
    )
    assert sent.status_code == 422
    assert "ten minste één manier" in sent.text


async def test_post_without_csrf_token_is_refused(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    await _token(client, gemeente.slug)
    sent = await client.post(f"/contactpunt/{gemeente.slug}", data=_formulier())
    assert sent.status_code == 403
    assert await _verzoeken(app_engine, settings, gemeente) == []


async def test_honeypot_filled_answers_like_a_success_and_stores_nothing(
    client: Client,
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    # A bot must not learn that it was caught: the same redirect and a receipt-looking page.
    token = await _token(client, gemeente.slug)
    bot = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(gemeente, website="http://spam.example", **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    # A person in another browser (an app instance of its own: a test client runs its lifespan).
    person_app = _app(settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1000)
    async for person in _client(person_app, settings):
        person_token = await _token(person, gemeente.slug)
        real = await person.post(
            f"/contactpunt/{gemeente.slug}",
            data=_formulier(gemeente, **{CSRF_FIELD: person_token}),
            follow_redirects=False,
        )
        real_receipt = await person.get(real.headers["location"])
    assert real.status_code == 303
    assert bot.status_code == real.status_code
    assert bot.headers["location"] == real.headers["location"]
    assert sorted(bot.headers.keys()) == sorted(real.headers.keys())
    receipt = await client.get(bot.headers["location"])
    assert receipt.status_code == 200
    assert "Wij hebben uw verzoek ontvangen" in receipt.text
    found = re.search(r'class="ontvangstnummer">([^<]+)<', receipt.text)
    assert found
    assert valideer_ontvangstnummer(found.group(1))
    real_number = re.search(r'class="ontvangstnummer">([^<]+)<', real_receipt.text)
    assert real_number
    assert found.group(1) != real_number.group(1)
    # Only the person's request was stored; for the bot nothing: no request, no outbox
    # message (no e-mail), no entry in the access log.
    stored = await _verzoeken(app_engine, settings, gemeente)
    assert [v.ontvangstnummer for v in stored] == [real_number.group(1)]
    async with tenant_session(app_engine, gemeente, settings) as session:
        outbox = (await session.scalars(select(OutboxEntry))).all()
        assert [(o.actor_name, o.payload) for o in outbox] == [
            ("verzoeken.ontvangst_bevestigen", {"verzoek_id": str(stored[0].id)})
        ]
        logged = (await session.scalars(select(Verwerking))).all()
    assert len(logged) == 1, [(v.actie, v.detail) for v in logged]


async def test_too_many_submissions_from_one_client_get_429_in_dutch(
    settings: Settings, gemeente: TenantRef
) -> None:
    app = _app(settings, contactpunt_limiet_client=2, contactpunt_limiet_email=1000)
    async for client in _client(app, settings):
        token = await _token(client, gemeente.slug)
        for _ in range(2):
            sent = await client.post(
                f"/contactpunt/{gemeente.slug}",
                data=_formulier(gemeente, naam="", **{CSRF_FIELD: token}),
            )
            assert sent.status_code == 422
        blocked = await client.post(
            f"/contactpunt/{gemeente.slug}", data=_formulier(**{CSRF_FIELD: token})
        )
        assert blocked.status_code == 429
        assert TE_VEEL in blocked.text
        assert "Te veel verzoeken" in blocked.text
        assert blocked.headers["retry-after"] == "3600"


async def test_too_many_requests_for_one_e_mail_address_get_429(
    settings: Settings, gemeente: TenantRef, app_engine: AsyncEngine
) -> None:
    app = _app(settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1)
    async for client in _client(app, settings):
        token = await _token(client, gemeente.slug)
        first = await client.post(
            f"/contactpunt/{gemeente.slug}",
            data=_formulier(gemeente, **{CSRF_FIELD: token}),
            follow_redirects=False,
        )
        assert first.status_code == 303
        again = await client.post(
            f"/contactpunt/{gemeente.slug}",
            data=_formulier(gemeente, email="FATIMA@voorbeeld.nl", **{CSRF_FIELD: token}),
        )
        assert again.status_code == 429
        assert TE_VEEL_EMAIL in again.text
    assert len(await _verzoeken(app_engine, settings, gemeente)) == 1


# --- the contactpunt's staff screens -----------------------------------------------------------


async def _staff_token(client: Client, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


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
    token = await _staff_token(client, "/contactpunt-taken/nieuw")
    own_code = gemeente.slug.removeprefix("cp")
    sent = await client.post(
        "/contactpunt-taken/nieuw",
        data={
            **_formulier(naam="Bram Briefschrijver", kanaal="brief", type="rectificatie"),
            "gemeente_van_verblijf": own_code,
            CSRF_FIELD: token,
        },
    )
    assert sent.status_code == 200
    assert "Verzoek geregistreerd" in sent.text
    (stored,) = await _verzoeken(app_engine, settings, gemeente)
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
    token = await _staff_token(client, f"/contactpunt-taken/verzoek/{stored.id}")
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
    token = await _staff_token(client, "/contactpunt-taken/nieuw")
    sent = await client.post(
        "/contactpunt-taken/nieuw",
        data={
            **_formulier(kanaal="balie"),
            "gemeente_van_verblijf": "elders",
            "andere_gemeentecode": "0150",
            CSRF_FIELD: token,
        },
    )
    assert sent.status_code == 200
    assert "Doorsturen naar de gemeente van verblijf" in sent.text
    assert "GM0150" in sent.text


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
        stored = await services.registreer(
            s,
            actor,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Ines Inzage",
                indiener_naam="Ines Inzage",
                kanaal=Kanaal.BALIE,
                persoon_id=persoon.id,
            ),
            gemeentecode="9999",
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


async def test_staff_screens_are_for_the_contactpunt_only(
    client: Client,
    sign_in_as: Callable[..., Awaitable[Any]],
    gemeente: TenantRef,
) -> None:
    anonymous = await client.get("/contactpunt-taken", follow_redirects=False)
    assert anonymous.status_code in {302, 303, 401}
    await sign_in_as(client, gemeente, Role.PARTICIPANT)
    assert (await client.get("/contactpunt-taken")).status_code == 403


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
        await services.registreer(
            s,
            contactpunt,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Rik Raadpleging",
                indiener_naam="Rik Raadpleging",
                kanaal=Kanaal.BALIE,
                persoon_id=persoon.id,
            ),
            gemeentecode="9999",
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


# --- the gemeente van verblijf, BSN, e-mail --------------------------------------------------


async def test_a_request_filed_on_one_page_for_a_resident_of_another_goes_there(
    client: Client,
    gemeente: TenantRef,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    woonplaats = await create_tenant(
        admin_engine,
        settings,
        slug=f"cp{code}",
        name=f"Gemeente Woonplaats {code}",
        gemeentecode=code,
        hub_slug=hub,
    )
    page = await client.get(f"/contactpunt/{gemeente.slug}")
    # Chosen by name, not by code; a way out for a municipality elsewhere.
    assert f">Gemeente Woonplaats {code}</option>" in page.text
    assert "Een andere gemeente" in page.text
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(woonplaats, **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert await _verzoeken(app_engine, settings, gemeente) == []
    (stored,) = await _verzoeken(app_engine, settings, woonplaats)
    assert stored.ontvangen_op == vandaag()
    assert stored.termijn == termijn(vandaag())
    assert stored.ontvangen_bij == gemeente.slug
    async with tenant_session(app_engine, gemeente, settings) as session:
        (receipt,) = (await session.scalars(select(Doorzending))).all()
    assert receipt.ontvangstnummer == stored.ontvangstnummer
    bewijs = await client.get(sent.headers["location"])
    assert stored.ontvangstnummer in bewijs.text
    assert f"Gemeente Woonplaats {code}" in bewijs.text


async def test_a_municipality_off_the_hub_gets_where_to_go_and_nothing_is_stored(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data={**_formulier(gemeente), "gemeente_van_verblijf": "elders", CSRF_FIELD: token},
    )
    assert sent.status_code == 200
    assert "Uw verzoek hoort bij uw eigen gemeente" in sent.text
    assert "burgemeester van de gemeente waar u woont" in sent.text
    assert "organisaties.overheid.nl" in sent.text
    assert await _verzoeken(app_engine, settings, gemeente) == []


async def test_no_municipality_chosen_is_refused_with_the_input_kept(
    client: Client, gemeente: TenantRef
) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data={**_formulier(gemeente), "gemeente_van_verblijf": "", CSRF_FIELD: token},
    )
    assert sent.status_code == 422
    assert "Kies de gemeente waar u woont." in sent.text
    assert 'value="Fatima el Amrani"' in sent.text


async def test_the_public_form_refuses_a_bsn_and_says_how_identity_is_checked(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    token = await _token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=_formulier(
            gemeente, bericht="Mijn BSN is 123.456.782, graag inzage.", **{CSRF_FIELD: token}
        ),
    )
    assert sent.status_code == 422
    assert "Vul hier geen burgerservicenummer (BSN) in." in sent.text
    assert "paspoort, identiteitskaart of rijbewijs" in sent.text
    assert "Mijn BSN is 123.456.782, graag inzage.</textarea>" in sent.text
    assert await _verzoeken(app_engine, settings, gemeente) == []


async def test_the_public_pages_carry_no_staff_sign_in_link(
    client: Client, gemeente: TenantRef
) -> None:
    page = await client.get(f"/contactpunt/{gemeente.slug}")
    assert "/auth/login" not in page.text
    assert "Inloggen" not in page.text


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
            await services.registreer(
                s,
                actor,
                NieuwVerzoek(
                    type=soort,
                    betrokkene_naam=naam,
                    indiener_naam=naam,
                    kanaal=Kanaal.BRIEF,
                ),
                gemeentecode=code,
                ontvangen=nu - timedelta(days=dagen_geleden),
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


# --- linking the person, consulting the participants -----------------------------------------


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
        stored = await services.registreer(
            s,
            actor,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Lotte Koppeling",
                indiener_naam="Lotte Koppeling",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode=code,
        )
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
    token = await _staff_token(officer, pad)
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
        stored = await services.registreer(
            s,
            actor,
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Nina Nergens",
                indiener_naam="Nina Nergens",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode=gemeente.slug.removeprefix("cp"),
        )
    pad = f"/contactpunt-taken/verzoek/{stored.id}"
    empty = await client.get(pad, params={"zoek_naam": "nergens"})
    assert "Geen personen gevonden" in empty.text
    token = await _staff_token(client, pad)
    sent = await client.post(f"{pad}/onbekend", data={CSRF_FIELD: token}, follow_redirects=False)
    assert sent.status_code == 303
    page = await client.get(pad)
    assert "niet bekend" in page.text
    async with tenant_session(app_engine, gemeente, settings) as s:
        found = await s.get(Verzoek, stored.id)
        assert found is not None
        assert found.persoon_onbekend_op is not None
        assert found.status == "in_behandeling"


# --- the decision screen -------------------------------------------------------------------


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
        stored = await services.registreer(
            s,
            actor,
            NieuwVerzoek(
                type=VerzoekType.VERWIJDERING,
                betrokkene_naam="Willem Wissen",
                indiener_naam="Willem Wissen",
                kanaal=Kanaal.BRIEF,
                persoon_id=persoon.id,
            ),
            gemeentecode=code,
        )
    pad = f"/contactpunt-taken/verzoek/{stored.id}"
    assert 'href="' + pad + '/besluit"' in (await client.get(pad)).text
    page = await client.get(f"{pad}/besluit")
    assert page.status_code == 200
    assert "Dit kan niet ongedaan worden gemaakt." in page.text
    assert "0 casussen en 1 signaal" in page.text
    # Nothing is chosen in advance.
    assert "checked" not in page.text
    token = await _staff_token(client, f"{pad}/besluit")
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


async def test_staff_registration_lists_every_error_in_form_order(
    client: Client, sign_in_as: Callable[..., Awaitable[Any]], gemeente: TenantRef
) -> None:
    await sign_in_as(client, gemeente, Role.CONTACTPUNT)
    token = await _staff_token(client, "/contactpunt-taken/nieuw")
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
