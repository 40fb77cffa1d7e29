"""Organisations with their provider test, API tokens, audit log: full pages and fragments."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.api_tokens import verifieer
from casushub.platform.identity.models import OidcProvider, Organisation
from casushub.web.auth.testing import SignedIn
from hub.hubkit import cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}


async def _csrf(client: Client) -> dict[str, str]:
    await client.get("/hub/organisaties")
    return {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}


async def test_organisation_create_edit_provider_and_connection_test(
    client: Client, hub_admin: SignedIn, admin_engine: AsyncEngine, dev_idp: Any
) -> None:
    client.cookies.update(cookies(hub_admin))
    csrf = await _csrf(client)
    suffix = uuid.uuid4().hex[:6]
    form = {
        "naam": "Politie Noord",
        "slug": f"pol_{suffix}",
        "type": "politie",
        "email_domeinen": f"noord{suffix}.test",
    }
    response = await client.post("/hub/organisaties/nieuw", data=form, headers=csrf)
    assert response.status_code == 200  # followed to the organisation's page
    assert "Politie Noord" in response.text
    async with admin_engine.connect() as conn:
        org_id = (
            await conn.execute(select(Organisation.id).where(Organisation.slug == form["slug"]))
        ).scalar_one()
    # The same domain for a second organisation: refused in Dutch, nothing created.
    dubbel = {**form, "slug": f"pol2_{suffix}", "naam": "Politie Zuid"}
    response = await client.post("/hub/organisaties/nieuw", data=dubbel, headers=csrf)
    assert response.status_code == 422
    assert "e-maildomeinen is al in gebruik" in response.text
    assert 'value="Politie Zuid"' in response.text
    # List: page and fragment.
    page = await client.get("/hub/organisaties")
    assert "Politie Noord" in page.text
    assert "<html" in page.text
    fragment = await client.get("/hub/organisaties", headers=HX)
    assert "Politie Noord" in fragment.text
    assert "<html" not in fragment.text
    # Provider: malformed issuer, then saved; the secret never comes back.
    slecht = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst",
        data={"issuer": "ftp://idp", "client_id": "casushub", "client_secret": "zeer-geheim-42"},
        headers={**csrf, **HX},
    )
    assert slecht.status_code == 422
    assert "https-adres" in slecht.text
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(
                select(OidcProvider.id).where(OidcProvider.organisation_id == org_id)
            )
        ).first() is None
    issuer = dev_idp.issuers["a"]
    goed = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst",
        data={"issuer": issuer, "client_id": "casushub", "client_secret": "zeer-geheim-42"},
        headers={**csrf, **HX},
    )
    assert goed.status_code == 200
    assert "zeer-geheim-42" not in goed.text
    assert "opgeslagen" in goed.text
    assert "zeer-geheim-42" not in (await client.get(f"/hub/organisaties/{org_id}")).text
    # Verbinding testen: the real development provider, then an unreachable one.
    test = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst/testen",
        data={"issuer": issuer},
        headers={**csrf, **HX},
    )
    assert test.status_code == 200
    assert "De verbinding werkt." in test.text
    assert "ondertekeningssleutel(s) gevonden" in test.text
    weg = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst/testen",
        data={"issuer": "http://127.0.0.1:9"},
        headers={**csrf, **HX},
    )
    assert "De verbinding werkt niet." in weg.text
    assert "kon niet worden gebruikt" in weg.text
    # Edit: deactivate, after a confirmation page that says what it ends.
    wijziging = {"naam": "Politie Noord-Nederland", "email_domeinen": form["email_domeinen"]}
    response = await client.post(f"/hub/organisaties/{org_id}", data=wijziging, headers=csrf)
    assert response.status_code == 200
    assert "Politie Noord uitschakelen?" in response.text
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(select(Organisation.active).where(Organisation.id == org_id))
        ).scalar_one()
    response = await client.post(
        f"/hub/organisaties/{org_id}", data={**wijziging, "bevestigd": "ja"}, headers=csrf
    )
    assert response.status_code == 200
    assert "uitgeschakeld" in response.text


async def test_api_token_shown_once_and_revoked(
    client: Client, hub_admin: SignedIn, admin_engine: AsyncEngine
) -> None:
    client.cookies.update(cookies(hub_admin))
    csrf = await _csrf(client)
    page = await client.get("/hub/api-tokens")
    assert page.status_code == 200
    assert "<html" in page.text
    fout = await client.post(
        "/hub/api-tokens", data={"naam": "", "geldig_dagen": "90"}, headers={**csrf, **HX}
    )
    assert fout.status_code == 422
    assert "Geef het token een naam" in fout.text
    made = await client.post(
        "/hub/api-tokens", data={"naam": "koppeling", "geldig_dagen": "30"}, headers={**csrf, **HX}
    )
    assert made.status_code == 200
    assert "<html" not in made.text
    token = made.text.split('id="nieuw-token">')[1].split("<")[0]
    async with admin_engine.begin() as conn:
        scope = await verifieer(conn, token)
    assert scope is not None
    again = await client.get("/hub/api-tokens")
    assert token not in again.text
    revoke = await client.post(
        f"/hub/api-tokens/{scope.token_id}/intrekken", headers={**csrf, **HX}
    )
    assert revoke.status_code == 200
    async with admin_engine.begin() as conn:
        assert await verifieer(conn, token) is None


async def test_audit_log_filters(client: Client, hub_admin: SignedIn) -> None:
    client.cookies.update(cookies(hub_admin))
    csrf = await _csrf(client)
    await client.post(
        "/hub/api-tokens", data={"naam": "voor audit", "geldig_dagen": "5"}, headers=csrf
    )
    page = await client.get("/hub/audit?wat=api_token")
    assert page.status_code == 200
    assert "api_token_aangemaakt" in page.text
    fragment = await client.get("/hub/audit?wat=bestaat_niet", headers=HX)
    assert "<html" not in fragment.text
    assert "Geen handelingen gevonden" in fragment.text
    fout = await client.get("/hub/audit?van=gisteren")
    assert fout.status_code == 422
    assert "dd-mm-jjjj" in fout.text
