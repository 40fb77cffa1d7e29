"""Saving an organisation's provider keeps what the caller did not name: re-saving the issuer on
the hub's screen never resets the MFA level, the claim mappings, the algorithms or the trusted
audiences (it did: the screen called ``save_provider`` without them). The screen shows and edits
them."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.encryption import SecretBox
from casushub.platform.identity.models import OidcProvider
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.registry import RegistryError
from casushub.platform.settings import Settings
from casushub.web.auth.testing import SignedIn
from hub.hubkit import cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}
KOPPELING = {"claim": "groups", "value": "zvh-regie", "role": "procesregisseur", "hub": "zvh_x"}


async def _org(engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID | None) -> uuid.UUID:
    suffix = secrets.token_hex(3)
    async with engine.begin() as conn:
        org_id = await create_organisation(
            conn,
            slug=f"behoud_{suffix}",
            name=f"Behoud {suffix}",
            type="politie",
            email_domains=[f"behoud{suffix}.test"],
            hub_id=hub_id,
        )
        await save_provider(
            conn,
            settings,
            organisation_id=org_id,
            issuer="https://idp.behoud.test",
            client_id="casushub",
            client_secret="eerste-geheim",
            discovery_url="https://idp.behoud.test/eigen/discovery",
            scopes="openid email profile groups",
            allowed_algorithms=("ES256",),
            required_acr=("urn:mfa:hoog",),
            claim_mappings=(KOPPELING,),
            post_logout_redirect_uri="https://casushub.test/",
            trusted_audiences=("portaal",),
        )
    return org_id


async def _provider(engine: AsyncEngine, org_id: uuid.UUID) -> Any:
    async with engine.connect() as conn:
        return (
            await conn.execute(select(OidcProvider).where(OidcProvider.organisation_id == org_id))
        ).one()


def _assert_unchanged(p: Any) -> None:
    assert p.required_acr == ["urn:mfa:hoog"]
    assert p.claim_mappings == [KOPPELING]
    assert p.allowed_algorithms == ["ES256"]
    assert p.trusted_audiences == ["portaal"]
    assert p.scopes == "openid email profile groups"
    assert p.post_logout_redirect_uri == "https://casushub.test/"
    assert p.discovery_url == "https://idp.behoud.test/eigen/discovery"


async def test_save_provider_keeps_what_is_not_named(
    admin_engine: AsyncEngine, settings: Settings
) -> None:
    org_id = await _org(admin_engine, settings, None)
    async with admin_engine.begin() as conn:
        await save_provider(
            conn,
            settings,
            organisation_id=org_id,
            issuer="https://idp.behoud.test",
            client_id="casushub-2",
            client_secret=None,
        )
    p = await _provider(admin_engine, org_id)
    _assert_unchanged(p)
    assert p.client_id == "casushub-2"
    assert SecretBox.from_settings(settings).decrypt(p.client_secret_encrypted) == "eerste-geheim"
    # An empty value clears; a new issuer gets its own discovery address.
    async with admin_engine.begin() as conn:
        await save_provider(
            conn,
            settings,
            organisation_id=org_id,
            issuer="https://idp2.behoud.test",
            client_id="casushub",
            client_secret="tweede-geheim",
            required_acr=(),
            claim_mappings=(),
            trusted_audiences=(),
            post_logout_redirect_uri="",
        )
    p = await _provider(admin_engine, org_id)
    assert (p.required_acr, p.claim_mappings, p.trusted_audiences) == ([], [], [])
    assert p.post_logout_redirect_uri is None
    assert p.discovery_url == "https://idp2.behoud.test/.well-known/openid-configuration"
    assert p.allowed_algorithms == ["ES256"]
    assert SecretBox.from_settings(settings).decrypt(p.client_secret_encrypted) == "tweede-geheim"


async def test_save_provider_refuses_what_it_cannot_use(
    admin_engine: AsyncEngine, settings: Settings
) -> None:
    org_id = await _org(admin_engine, settings, None)
    for kwargs, veld in (
        (
            {"claim_mappings": ({"claim": "g", "value": "x", "role": "platform_operator"},)},
            "claim_mappings",
        ),
        (
            {"claim_mappings": ({"claim": "g", "value": "x", "role": "bestaat_niet"},)},
            "claim_mappings",
        ),
        ({"required_acr": ("met spatie",)}, "required_acr"),
        ({"allowed_algorithms": ("none",)}, "allowed_algorithms"),
    ):
        with pytest.raises(RegistryError) as refused:
            async with admin_engine.begin() as conn:
                await save_provider(
                    conn,
                    settings,
                    organisation_id=org_id,
                    issuer="https://idp.behoud.test",
                    client_id="casushub",
                    client_secret=None,
                    **kwargs,
                )
        assert refused.value.field == veld, kwargs
    _assert_unchanged(await _provider(admin_engine, org_id))


async def test_hub_screen_keeps_shows_and_edits_mfa_and_mappings(
    client: Client,
    hub_admin: SignedIn,
    hub_id: uuid.UUID,
    admin_engine: AsyncEngine,
    settings: Settings,
) -> None:
    org_id = await _org(admin_engine, settings, hub_id)
    client.cookies.update(cookies(hub_admin))
    pagina = await client.get(f"/hub/organisaties/{org_id}")
    assert pagina.status_code == 200
    # Shown: the MFA level, the mapping in its line form, the algorithms and audiences.
    for tekst in (
        'value="urn:mfa:hoog"',
        "groups=zvh-regie: procesregisseur, hub=zvh_x",
        'value="ES256"',
        'value="portaal"',
    ):
        assert tekst in pagina.text, tekst
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    # The form as it was before: issuer, client id and secret only. Nothing else is reset.
    oud = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst",
        data={"issuer": "https://idp.behoud.test", "client_id": "casushub", "client_secret": "x-1"},
        headers={**csrf, **HX},
    )
    assert oud.status_code == 200, oud.text
    _assert_unchanged(await _provider(admin_engine, org_id))
    # The whole form, as the screen sends it, with the secret left empty: kept, and edited.
    nieuw = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst",
        data={
            "issuer": "https://idp.behoud.test",
            "client_id": "casushub",
            "client_secret": "",
            "required_acr": "urn:mfa:hoog urn:mfa:extra",
            "claim_mappings": "groups=zvh-regie: procesregisseur, hub=zvh_x\nrollen=fg: fg_auditor",
            "allowed_algorithms": "ES256 RS256",
            "scopes": "openid email profile groups",
            "trusted_audiences": "",
            "post_logout_redirect_uri": "https://casushub.test/",
        },
        headers={**csrf, **HX},
    )
    assert nieuw.status_code == 200, nieuw.text
    p = await _provider(admin_engine, org_id)
    assert p.required_acr == ["urn:mfa:hoog", "urn:mfa:extra"]
    assert p.claim_mappings == [KOPPELING, {"claim": "rollen", "value": "fg", "role": "fg_auditor"}]
    assert p.allowed_algorithms == ["ES256", "RS256"]
    assert p.trusted_audiences == []
    assert SecretBox.from_settings(settings).decrypt(p.client_secret_encrypted) == "x-1"
    # A mapping line that does not parse: 422, the input kept, nothing saved.
    fout = await client.post(
        f"/hub/organisaties/{org_id}/inlogdienst",
        data={
            "issuer": "https://idp.behoud.test",
            "client_id": "casushub",
            "required_acr": "",
            "claim_mappings": "zomaar wat",
        },
        headers={**csrf, **HX},
    )
    assert fout.status_code == 422
    assert "Regel 1 van de claimkoppelingen klopt niet" in fout.text
    assert "zomaar wat" in fout.text
    assert (await _provider(admin_engine, org_id)).required_acr == ["urn:mfa:hoog", "urn:mfa:extra"]
