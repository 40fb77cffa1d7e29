"""Fixtures for the identity tests: an app whose public URL is the test client's host,
organisations wired to the development identity provider, and a scripted browser."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
from idp_browser import TEST_CLIENT_ID, TEST_RP_URL, Org, OrgFactory
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp, node_config, start_dev_idp
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config


@pytest.fixture(scope="session")
def rp_settings(settings: Settings) -> Settings:
    return replace(settings, base_url=TEST_RP_URL)


@pytest.fixture(scope="session")
def rp_app(rp_settings: Settings) -> Litestar:
    return create_app(rp_settings)


@pytest.fixture(scope="session")
def userinfo_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevIdp]:
    """A second development provider process in the standard code-flow profile: the ID token
    carries only ``sub``; e-mail, name and groups come from userinfo (``conformIdTokenClaims``).
    Issuer ``ander_sub`` also names another subject at userinfo than in its ID tokens."""
    providers: list[dict[str, Any]] = [
        {
            "key": key,
            "client_secret": f"test-geheim-{key}-0123456789",
            "users": [],
            "any_user": True,
            "claims_in_userinfo": True,
            "userinfo_other_sub": key == "ander_sub",
        }
        for key in ("userinfo", "ander_sub")
    ]
    config = node_config(
        providers, client_id=TEST_CLIENT_ID, base_port=0, rp_base_urls=[TEST_RP_URL]
    )
    idp = start_dev_idp(config, tmp_path_factory.mktemp("devidp-userinfo") / "config.json")
    yield idp
    idp.stop()


@pytest.fixture
async def browser(
    rp_app: Litestar, rp_settings: Settings
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(rp_app, session_config=session_config(rp_settings)) as client:
        yield client


@pytest.fixture
def make_org(admin_engine: AsyncEngine, rp_settings: Settings, dev_idp: DevIdp) -> OrgFactory:
    """A fresh organisation (own e-mail domain) signing in at provider ``a`` or ``b``."""

    async def make(
        provider: str = "a",
        *,
        type: str = "politie",
        required_acr: tuple[str, ...] = (),
        claim_mappings: tuple[dict[str, object], ...] = (),
        hub_id: uuid.UUID | None = None,
        tenant_id: uuid.UUID | None = None,
        client_secret: str | None = None,
        issuer: str | None = None,
        idp: DevIdp | None = None,
    ) -> Org:
        suffix = secrets.token_hex(3)
        slug, domain = f"org_{suffix}", f"org{suffix}.test"
        issuer = issuer or (idp or dev_idp).issuers[provider]
        async with admin_engine.begin() as conn:
            org_id = await create_organisation(
                conn,
                slug=slug,
                name=f"Organisatie {suffix}",
                type=type,
                email_domains=[domain],
                hub_id=hub_id,
                tenant_id=tenant_id,
            )
            await save_provider(
                conn,
                rp_settings,
                organisation_id=org_id,
                issuer=issuer,
                client_id=TEST_CLIENT_ID,
                client_secret=client_secret or f"test-geheim-{provider}-0123456789",
                required_acr=required_acr,
                claim_mappings=claim_mappings,
                # The groups claim is only released for the "groups" scope.
                scopes="openid email profile groups" if claim_mappings else "openid email profile",
            )
        return Org(org_id, slug, domain, issuer, provider)

    return make
