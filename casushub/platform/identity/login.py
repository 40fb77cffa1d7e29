"""The sign-in itself: authorization code flow with PKCE (S256), state and nonce.

``start_login`` finds the provider by the e-mail domain (or organisation), stores a pending
login and builds the authorization URL with Authlib. ``finish_login`` takes the callback:
mix-up protection (the login is bound to the provider it started with; RFC 9207 ``iss`` is
checked), the code redeemed and the ID token checked with joserfc (``tokens.py``), the account
found or created, a session opened, and every success and failure in the audit trail.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.httpx_client import AsyncOAuth2Client
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.accounts import user_for
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.discovery import ProviderMetadataCache
from casushub.platform.identity.errors import LoginRefused, ProviderUnavailable
from casushub.platform.identity.models import Membership, PendingLogin
from casushub.platform.identity.organisations import domain_of
from casushub.platform.identity.pending_login import (
    PENDING_LOGIN_TTL,
    browser_hash,
    take_pending,
    valid_browser,
)
from casushub.platform.identity.provider_calls import exchange_code, redirect_uri, with_userinfo
from casushub.platform.identity.providers import (
    provider_for_domain,
    provider_for_organisation,
)
from casushub.platform.identity.sessions import create_session, utcnow
from casushub.platform.identity.tokens import IdTokenExpectations, validate_id_token
from casushub.platform.settings import Settings

__all__ = ["LoginResult", "LoginStart", "finish_login", "safe_return_path", "start_login"]


UNKNOWN_DOMAIN = (
    "Dit e-mailadres hoort niet bij een organisatie die op casushub is aangesloten. Controleer "
    "het adres, of vraag de beheerder van uw organisatie om aansluiting."
)


@dataclass(frozen=True)
class LoginStart:
    url: str
    provider_origin: str
    # The pre-login cookie's value for this browser (kept when it already had a valid one, so
    # sign-ins started in two tabs can both finish).
    browser: str


@dataclass(frozen=True)
class LoginResult:
    user_id: uuid.UUID
    session_id: uuid.UUID
    organisation_id: uuid.UUID
    return_to: str
    has_access: bool
    new_user: bool


def safe_return_path(value: str | None) -> str:
    """Only a local path may follow the sign-in; anything else becomes the start page."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in value) or "\\" in value:
        return "/"
    return value[:2000]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def start_login(
    engine: AsyncEngine,
    settings: Settings,
    cache: ProviderMetadataCache,
    *,
    email: str,
    return_to: str | None,
    browser: str | None = None,
) -> LoginStart:
    """Home-realm discovery by e-mail domain, then the authorization URL for that provider.

    ``browser`` is the pre-login cookie the browser sent, if any.
    """
    domain = domain_of(email)
    if domain is None:
        raise LoginRefused(
            "invalid_email", "Vul een geldig e-mailadres in, zoals naam@gemeente.nl."
        )
    async with engine.connect() as conn:
        provider = await provider_for_domain(conn, settings, domain)
    if provider is None:
        raise LoginRefused("unknown_domain", UNKNOWN_DOMAIN)
    metadata = await cache.metadata(provider.discovery_url, provider.issuer)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)
    extra: dict[str, str] = {"nonce": nonce, "login_hint": email.strip()}
    if provider.required_acr:
        extra["acr_values"] = " ".join(provider.required_acr)
    async with AsyncOAuth2Client(
        client_id=provider.client_id,
        scope=provider.scopes,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
    ) as client:
        url, _ = client.create_authorization_url(
            metadata.authorization_endpoint, state=state, code_verifier=code_verifier, **extra
        )
    browser = valid_browser(browser) or secrets.token_urlsafe(32)
    async with engine.begin() as conn:
        # Expired pending logins are cleaned up on the way; no separate job needed.
        await conn.execute(delete(PendingLogin).where(PendingLogin.expires_at < func.now()))
        await conn.execute(
            insert(PendingLogin).values(
                state=state,
                nonce=nonce,
                code_verifier=code_verifier,
                provider_id=provider.id,
                organisation_id=provider.organisation_id,
                return_to=safe_return_path(return_to),
                browser_hash=browser_hash(browser),
                expires_at=utcnow() + PENDING_LOGIN_TTL,
            )
        )
    return LoginStart(
        url=url, provider_origin=_origin(metadata.authorization_endpoint), browser=browser
    )


async def finish_login(
    engine: AsyncEngine,
    settings: Settings,
    cache: ProviderMetadataCache,
    *,
    params: dict[str, str],
    ip: str,
    user_agent: str,
    browser: str | None = None,
) -> LoginResult:
    """Complete a sign-in from the callback's query parameters; audited either way.

    ``browser`` is the pre-login cookie the callback came with.
    """
    organisation_id: uuid.UUID | None = None
    try:
        pending = await take_pending(engine, params.get("state"), browser)
        organisation_id = pending.organisation_id
        return await _complete(engine, settings, cache, pending, params, ip, user_agent)
    except (LoginRefused, ProviderUnavailable) as exc:
        if isinstance(exc, LoginRefused) and exc.organisation_id is not None:
            organisation_id = exc.organisation_id
        async with engine.begin() as conn:
            await record(
                conn,
                AuditAction.LOGIN_FAILED,
                organisation_id=organisation_id,
                details={"reden": exc.reason},
                ip=ip,
            )
        raise


async def _complete(
    engine: AsyncEngine,
    settings: Settings,
    cache: ProviderMetadataCache,
    pending: Any,
    params: dict[str, str],
    ip: str,
    user_agent: str,
) -> LoginResult:
    async with engine.connect() as conn:
        provider = await provider_for_organisation(conn, settings, pending.provider_id)
    if provider is None or not provider.organisation_active:
        raise LoginRefused("organisation_inactive")
    if error := params.get("error"):
        raise LoginRefused(f"provider_error:{error[:40]}")
    metadata = await cache.metadata(provider.discovery_url, provider.issuer)
    # RFC 9207: the authorization response names its issuer. A response from another provider
    # than the one this login started with is a mix-up attack (or a confused browser).
    iss = params.get("iss")
    if iss is not None and iss != provider.issuer:
        raise LoginRefused("issuer_mismatch")
    if iss is None and metadata.raw.get("authorization_response_iss_parameter_supported"):
        raise LoginRefused("issuer_missing")
    code = params.get("code")
    if not code:
        raise LoginRefused("missing_code")
    token = await exchange_code(
        provider, settings, metadata.token_endpoint, code, pending.code_verifier
    )
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise LoginRefused("missing_id_token")
    claims = await validate_id_token(
        id_token,
        IdTokenExpectations(
            issuer=provider.issuer,
            client_id=provider.client_id,
            nonce=pending.nonce,
            allowed_algorithms=provider.allowed_algorithms,
            jwks_uri=metadata.jwks_uri,
            required_acr=provider.required_acr,
            trusted_audiences=provider.trusted_audiences,
        ),
        cache,
    )
    claims = await with_userinfo(provider, settings, metadata.userinfo_endpoint, token, claims)
    async with engine.begin() as conn:
        user_id, new_user = await user_for(conn, provider, claims, ip)
        has_access = (
            await conn.execute(select(Membership.id).where(Membership.user_id == user_id).limit(1))
        ).first() is not None
        session_id = await create_session(
            conn,
            settings,
            user_id=user_id,
            organisation_id=provider.organisation_id,
            provider_id=provider.id,
            id_token=id_token,
            ip=ip,
            user_agent=user_agent,
        )
        await record(
            conn,
            AuditAction.LOGIN,
            actor_user_id=user_id,
            organisation_id=provider.organisation_id,
            details={"sessie": str(session_id), "toegang": has_access},
            ip=ip,
        )
    return LoginResult(
        user_id=user_id,
        session_id=session_id,
        organisation_id=provider.organisation_id,
        return_to=pending.return_to,
        has_access=has_access,
        new_user=new_user,
    )
