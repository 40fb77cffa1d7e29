"""The public contactpunt page: explanation, form, receipt, Dutch errors, the gemeente van
verblijf and the BSN."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.klok import vandaag
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.verzoeken.models import Doorzending
from casushub.tenants.verzoeken.rules import termijn, valideer_ontvangstnummer
from contactpunt.contactpuntkit import (
    CSRF_FIELD,
    Client,
    formulier,
    formulier_token,
    opgeslagen_verzoeken,
)


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
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(gemeente, **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/contactpunt/{gemeente.slug}/ontvangen"
    (stored,) = await opgeslagen_verzoeken(app_engine, settings, gemeente)
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
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(
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
    assert await opgeslagen_verzoeken(app_engine, settings, gemeente) == []


async def test_a_contact_route_is_required(client: Client, gemeente: TenantRef) -> None:
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(gemeente, email="", **{CSRF_FIELD: token}),
    )
    assert sent.status_code == 422
    assert "ten minste één manier" in sent.text


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
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(woonplaats, **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert await opgeslagen_verzoeken(app_engine, settings, gemeente) == []
    (stored,) = await opgeslagen_verzoeken(app_engine, settings, woonplaats)
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
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data={**formulier(gemeente), "gemeente_van_verblijf": "elders", CSRF_FIELD: token},
    )
    assert sent.status_code == 200
    assert "Uw verzoek hoort bij uw eigen gemeente" in sent.text
    assert "burgemeester van de gemeente waar u woont" in sent.text
    assert "organisaties.overheid.nl" in sent.text
    assert await opgeslagen_verzoeken(app_engine, settings, gemeente) == []


async def test_no_municipality_chosen_is_refused_with_the_input_kept(
    client: Client, gemeente: TenantRef
) -> None:
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data={**formulier(gemeente), "gemeente_van_verblijf": "", CSRF_FIELD: token},
    )
    assert sent.status_code == 422
    assert "Kies de gemeente waar u woont." in sent.text
    assert 'value="Fatima el Amrani"' in sent.text


async def test_the_public_form_refuses_a_bsn_and_says_how_identity_is_checked(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    token = await formulier_token(client, gemeente.slug)
    sent = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(
            gemeente, bericht="Mijn BSN is 123.456.782, graag inzage.", **{CSRF_FIELD: token}
        ),
    )
    assert sent.status_code == 422
    assert "Vul hier geen burgerservicenummer (BSN) in." in sent.text
    assert "paspoort, identiteitskaart of rijbewijs" in sent.text
    assert "Mijn BSN is 123.456.782, graag inzage.</textarea>" in sent.text
    assert await opgeslagen_verzoeken(app_engine, settings, gemeente) == []


async def test_the_public_pages_carry_no_staff_sign_in_link(
    client: Client, gemeente: TenantRef
) -> None:
    page = await client.get(f"/contactpunt/{gemeente.slug}")
    assert "/auth/login" not in page.text
    assert "Inloggen" not in page.text
