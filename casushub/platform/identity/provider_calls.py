"""What a sign-in asks of the organisation's provider after the callback: the code redeemed at
the token endpoint (Authlib's async client, with the PKCE verifier), and claims the ID token
lacks fetched from the userinfo endpoint (standard code-flow providers release e-mail and name
only there). Both name the same redirect URI as the authorization request.
"""

from __future__ import annotations

from typing import Any

import httpx
import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from casushub.platform.identity.discovery import oidc_verify
from casushub.platform.identity.errors import LoginRefused, ProviderUnavailable
from casushub.platform.identity.providers import ProviderConfig
from casushub.platform.settings import Settings

CALLBACK_PATH = "/auth/callback"


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


async def exchange_code(
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
            redirect_uri=redirect_uri(settings),
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


# Claims the sign-in maps besides those of claim mappings: the account's label and the key of
# an invitation.
_PROFILE_CLAIMS = ("email", "name")


def _wanted_claims(provider: ProviderConfig) -> set[str]:
    mapped = {m["claim"] for m in provider.claim_mappings if isinstance(m.get("claim"), str)}
    return {*_PROFILE_CLAIMS, *mapped}


async def with_userinfo(
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
    info = await fetch_userinfo(endpoint, access_token, settings)
    sub = info.get("sub")
    if not isinstance(sub, str) or sub != claims["sub"]:
        raise LoginRefused("userinfo_sub_mismatch")
    taken = {name: info[name] for name in missing if name in info}
    if "email" in taken and "email_verified" in info and "email_verified" not in claims:
        taken["email_verified"] = info["email_verified"]
    return {**taken, **claims}


async def fetch_userinfo(endpoint: str, access_token: str, settings: Settings) -> dict[str, Any]:
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
