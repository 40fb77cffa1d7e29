"""The sign-in itself: authorization code flow with PKCE (S256), state and nonce.

Authlib's async httpx client builds the authorization URL and exchanges the code; joserfc
checks the ID token (``tokens.py``). What is ours: the pending-login table (state stored
server-side, single use, ten minutes), bound to the browser that started it (login CSRF: the
SHA-256 of a short-lived pre-login cookie is stored with it, and a callback from any other
browser is refused before its code is redeemed), mix-up protection (the login is bound to the
provider it started with; RFC 9207 ``iss`` is checked), claims the ID token lacks fetched from
the userinfo endpoint (standard code-flow providers release e-mail and name only there), users
keyed by (issuer, subject), invitations and claim mappings on first sign-in, and the audit trail
of every success and failure.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.discovery import ProviderMetadataCache, oidc_verify
from casushub.platform.identity.errors import LoginRefused, ProviderUnavailable
from casushub.platform.identity.memberships import accept_invitations, apply_claim_mappings
from casushub.platform.identity.models import Membership, PendingLogin, User
from casushub.platform.identity.organisations import (
    ProviderConfig,
    domain_of,
    provider_for_domain,
    provider_for_organisation,
)
from casushub.platform.identity.sessions import create_session, utcnow
from casushub.platform.identity.tokens import IdTokenExpectations, validate_id_token
from casushub.platform.settings import Settings

__all__ = [
    "CALLBACK_PATH",
    "PENDING_LOGIN_TTL",
    "PRE_LOGIN_COOKIE",
    "LoginResult",
    "LoginStart",
    "browser_hash",
    "finish_login",
    "pre_login_cookie_name",
    "safe_return_path",
    "start_login",
]

CALLBACK_PATH = "/auth/callback"
PENDING_LOGIN_TTL = timedelta(minutes=10)
PRE_LOGIN_COOKIE = "casushub_inloggen"
_BROWSER_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
OTHER_BROWSER = (
    "Het inloggen is in een andere browser begonnen dan waarin het nu wordt afgerond, of het "
    "duurde te lang. Begin hier opnieuw met inloggen. Heeft u iemand anders een inloglink "
    "gestuurd of er een gekregen? Gebruik die niet: zo kan iemand met uw account inloggen."
)
# Claims the sign-in maps besides those of claim mappings: the account's label and the key of
# an invitation.
_PROFILE_CLAIMS = ("email", "name")
_log = logging.getLogger("casushub.identity")
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


def pre_login_cookie_name(secure: bool) -> str:
    """``__Host-`` where cookies are Secure: no sibling domain can plant its own value."""
    return f"__Host-{PRE_LOGIN_COOKIE}" if secure else PRE_LOGIN_COOKIE


def browser_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _valid_browser(value: str | None) -> str | None:
    return value if value and _BROWSER_VALUE.match(value) else None


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


def _redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


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
        redirect_uri=_redirect_uri(settings),
        code_challenge_method="S256",
    ) as client:
        url, _ = client.create_authorization_url(
            metadata.authorization_endpoint, state=state, code_verifier=code_verifier, **extra
        )
    browser = _valid_browser(browser) or secrets.token_urlsafe(32)
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


async def _take_pending(engine: AsyncEngine, state: str | None, browser: str | None) -> Any:
    if not state:
        raise LoginRefused("missing_state")
    browser = _valid_browser(browser)
    pending = other = None
    async with engine.begin() as conn:
        # DELETE … RETURNING: a state is used at most once, even with two racing callbacks.
        # Only by the browser that started it: another browser's callback leaves the pending
        # login (and its code, never redeemed) to the browser it belongs to.
        if browser is not None:
            taken = await conn.execute(
                delete(PendingLogin)
                .where(
                    PendingLogin.state == state,
                    PendingLogin.browser_hash == browser_hash(browser),
                )
                .returning(*PendingLogin.__table__.c)
            )
            pending = taken.first()
        if pending is None:
            started_elsewhere = await conn.execute(
                select(PendingLogin.organisation_id).where(PendingLogin.state == state)
            )
            other = started_elsewhere.first()
    if pending is None:
        if other is None:
            raise LoginRefused("unknown_or_replayed_state")
        reason = "browser_missing" if browser is None else "browser_mismatch"
        # Someone opened a callback that another browser started: a lured victim (login CSRF)
        # or a sign-in link passed on. Worth a line of its own besides the audit entry.
        _log.warning(
            "inloggen uit een andere browser geweigerd",
            extra={"reden": reason, "organisation_id": str(other.organisation_id)},
        )
        raise LoginRefused(reason, OTHER_BROWSER, organisation_id=other.organisation_id)
    if pending.expires_at <= utcnow():
        raise LoginRefused("state_expired")
    return pending


async def _exchange_code(
    provider: ProviderConfig,
    settings: Settings,
    token_endpoint: str,
    code: str,
    code_verifier: str,
) -> dict[str, Any]:
    try:
        async with AsyncOAuth2Client(
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
            redirect_uri=_redirect_uri(settings),
            timeout=settings.oidc_timeout_seconds,
            verify=oidc_verify(settings.oidc_ca_bundle),
        ) as client:
            token = await client.fetch_token(
                token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
    except AuthlibBaseError as exc:
        # The provider refused the code: wrong code_verifier, a code of another provider …
        raise LoginRefused(f"token_endpoint:{exc.error}") from exc
    # Authlib's client is built on httpx2 (its own exception classes), not on httpx: a
    # provider that is down raises httpx2.ConnectError, which httpx.HTTPError does not catch.
    except (httpx.HTTPError, httpx2.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"token endpoint: {type(exc).__name__}") from exc
    return dict(token)


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
        pending = await _take_pending(engine, params.get("state"), browser)
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
    token = await _exchange_code(
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
    claims = await _with_userinfo(provider, settings, metadata.userinfo_endpoint, token, claims)
    async with engine.begin() as conn:
        user_id, new_user = await _user_for(conn, provider, claims, ip)
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


def _wanted_claims(provider: ProviderConfig) -> set[str]:
    mapped = {m["claim"] for m in provider.claim_mappings if isinstance(m.get("claim"), str)}
    return {*_PROFILE_CLAIMS, *mapped}


async def _with_userinfo(
    provider: ProviderConfig,
    settings: Settings,
    endpoint: str | None,
    token: dict[str, Any],
    claims: dict[str, Any],
) -> dict[str, Any]:
    """The ID token's claims, completed from userinfo where it lacks the ones we map.

    In the code flow a provider may release the claims requested by scope only at userinfo
    (OpenID Connect Core 5.4). Core 5.3.2: its ``sub`` must be exactly the ID token's, or none
    of its claims may be used; here that refuses the sign-in. The ID token's own claims are
    never overridden.
    """
    missing = {name for name in _wanted_claims(provider) if name not in claims}
    access_token = token.get("access_token")
    if not missing or endpoint is None or not isinstance(access_token, str):
        return claims
    info = await _userinfo(endpoint, access_token, settings)
    sub = info.get("sub")
    if not isinstance(sub, str) or sub != claims["sub"]:
        raise LoginRefused("userinfo_sub_mismatch")
    taken = {name: info[name] for name in missing if name in info}
    if "email" in taken and "email_verified" in info and "email_verified" not in claims:
        taken["email_verified"] = info["email_verified"]
    return {**taken, **claims}


async def _userinfo(endpoint: str, access_token: str, settings: Settings) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(
            timeout=settings.oidc_timeout_seconds, verify=oidc_verify(settings.oidc_ca_bundle)
        ) as client:
            response = await client.get(
                endpoint,
                headers={"authorization": f"Bearer {access_token}", "accept": "application/json"},
            )
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"userinfo: {type(exc).__name__}") from exc
    if response.status_code in (401, 403):
        # The provider does not accept the access token it just issued.
        raise LoginRefused(f"userinfo_refused:{response.status_code}")
    if response.status_code != 200:
        raise ProviderUnavailable(f"userinfo: HTTP {response.status_code}")
    # A signed or encrypted userinfo response (application/jwt) is not something we register.
    if not response.headers.get("content-type", "").startswith("application/json"):
        raise LoginRefused("userinfo_not_json")
    try:
        data = response.json()
    except ValueError as exc:
        raise ProviderUnavailable("userinfo: geen JSON") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable("userinfo: geen JSON-object")
    return data


async def _user_for(
    conn: Any, provider: ProviderConfig, claims: dict[str, Any], ip: str
) -> tuple[uuid.UUID, bool]:
    """The account for (issuer, subject); e-mail is only a label and an invitation key."""
    email = claims["email"] if isinstance(claims.get("email"), str) else ""
    if len(email) > 320:  # no address is longer (RFC 5321); not a label we can store either
        email = ""
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    row = (
        await conn.execute(
            select(User.id, User.active, User.organisation_id).where(
                User.issuer == provider.issuer, User.subject == claims["sub"]
            )
        )
    ).first()
    new_user = row is None
    if row is None:
        user_id = (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=provider.organisation_id,
                    issuer=provider.issuer,
                    subject=claims["sub"],
                    email=email or "",
                    name=(name or "")[:200],
                    last_login_at=func.now(),
                )
                .returning(User.id)
            )
        ).scalar_one()
        await record(
            conn,
            AuditAction.USER_CREATED,
            actor_user_id=user_id,
            organisation_id=provider.organisation_id,
            target=str(user_id),
            ip=ip,
        )
        # Only the provider of the invitation's own organisation can redeem it, and only at
        # the first sign-in: a later change of e-mail at the provider grants nothing.
        if email and claims.get("email_verified", True) is not False:
            await accept_invitations(
                conn, user_id=user_id, organisation_id=provider.organisation_id, email=email
            )
    else:
        user_id = row.id
        if not row.active:
            raise LoginRefused(
                "user_inactive",
                "Uw account op casushub is uitgeschakeld. Neem contact op met uw beheerder.",
            )
        if row.organisation_id != provider.organisation_id:
            raise LoginRefused("organisation_mismatch")
        await conn.execute(
            update(User)
            .where(User.id == user_id)
            .values(last_login_at=func.now(), email=email or "", name=(name or "")[:200])
        )
    if provider.claim_mappings:
        await apply_claim_mappings(
            conn,
            user_id=user_id,
            organisation_id=provider.organisation_id,
            mappings=provider.claim_mappings,
            claims=claims,
        )
    return user_id, new_user
