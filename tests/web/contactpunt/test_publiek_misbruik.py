"""The public contactpunt form against abuse: the CSRF token, the honeypot and the limits per
client and per e-mail address."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.verzoeken.rules import valideer_ontvangstnummer
from casushub.web.contactpunt import TE_VEEL, TE_VEEL_EMAIL
from contactpunt.contactpuntkit import (
    CSRF_FIELD,
    Client,
    contactpunt_app,
    formulier,
    formulier_token,
    open_client,
    opgeslagen_verzoeken,
)


async def test_post_without_csrf_token_is_refused(
    client: Client, gemeente: TenantRef, app_engine: AsyncEngine, settings: Settings
) -> None:
    await formulier_token(client, gemeente.slug)
    sent = await client.post(f"/contactpunt/{gemeente.slug}", data=formulier())
    assert sent.status_code == 403
    assert await opgeslagen_verzoeken(app_engine, settings, gemeente) == []


async def test_honeypot_filled_answers_like_a_success_and_stores_nothing(
    client: Client,
    gemeente: TenantRef,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    # A bot must not learn that it was caught: the same redirect and a receipt-looking page.
    token = await formulier_token(client, gemeente.slug)
    bot = await client.post(
        f"/contactpunt/{gemeente.slug}",
        data=formulier(gemeente, website="http://spam.example", **{CSRF_FIELD: token}),
        follow_redirects=False,
    )
    # A person in another browser (an app instance of its own: a test client runs its lifespan).
    person_app = contactpunt_app(
        settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1000
    )
    async for person in open_client(person_app, settings):
        person_token = await formulier_token(person, gemeente.slug)
        real = await person.post(
            f"/contactpunt/{gemeente.slug}",
            data=formulier(gemeente, **{CSRF_FIELD: person_token}),
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
    stored = await opgeslagen_verzoeken(app_engine, settings, gemeente)
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
    app = contactpunt_app(settings, contactpunt_limiet_client=2, contactpunt_limiet_email=1000)
    async for client in open_client(app, settings):
        token = await formulier_token(client, gemeente.slug)
        for _ in range(2):
            sent = await client.post(
                f"/contactpunt/{gemeente.slug}",
                data=formulier(gemeente, naam="", **{CSRF_FIELD: token}),
            )
            assert sent.status_code == 422
        blocked = await client.post(
            f"/contactpunt/{gemeente.slug}", data=formulier(**{CSRF_FIELD: token})
        )
        assert blocked.status_code == 429
        assert TE_VEEL in blocked.text
        assert "Te veel verzoeken" in blocked.text
        assert blocked.headers["retry-after"] == "3600"


async def test_too_many_requests_for_one_e_mail_address_get_429(
    settings: Settings, gemeente: TenantRef, app_engine: AsyncEngine
) -> None:
    app = contactpunt_app(settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1)
    async for client in open_client(app, settings):
        token = await formulier_token(client, gemeente.slug)
        first = await client.post(
            f"/contactpunt/{gemeente.slug}",
            data=formulier(gemeente, **{CSRF_FIELD: token}),
            follow_redirects=False,
        )
        assert first.status_code == 303
        again = await client.post(
            f"/contactpunt/{gemeente.slug}",
            data=formulier(gemeente, email="FATIMA@voorbeeld.nl", **{CSRF_FIELD: token}),
        )
        assert again.status_code == 429
        assert TE_VEEL_EMAIL in again.text
    assert len(await opgeslagen_verzoeken(app_engine, settings, gemeente)) == 1
