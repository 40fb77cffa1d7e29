"""ID token validation (OpenID Connect Core §3.1.3.7), on top of joserfc.

The callback and the tests use this one function, so a token the real provider would never
issue (wrong audience, ``alg: none``, unknown key …) is refused by the same code path.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from casushub.platform.identity.discovery import ProviderMetadataCache
from casushub.platform.identity.errors import LoginRefused

__all__ = ["IdTokenExpectations", "validate_id_token"]

LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class IdTokenExpectations:
    issuer: str
    client_id: str
    nonce: str
    allowed_algorithms: tuple[str, ...]
    jwks_uri: str
    required_acr: tuple[str, ...] = ()
    # Other clients the organisation trusts to be named in ``aud`` besides ours.
    trusted_audiences: tuple[str, ...] = ()


def _segment(raw: str, index: int) -> dict[str, Any]:
    """One JSON segment of the compact token, before any check (header or claims)."""
    try:
        segment = raw.split(".")[index]
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, IndexError) as exc:
        raise LoginRefused("id_token_malformed") from exc
    if not isinstance(value, dict):
        raise LoginRefused("id_token_malformed")
    return value


def _unverified_iat(raw: str) -> int | None:
    # Only a hint for a JWKS refresh (discovery.py bounds what a made-up value can cause).
    iat = _segment(raw, 1).get("iat")
    return iat if isinstance(iat, int) and not isinstance(iat, bool) else None


async def validate_id_token(
    raw: str, expected: IdTokenExpectations, cache: ProviderMetadataCache, now: int | None = None
) -> dict[str, Any]:
    """The token's claims, or :class:`LoginRefused` with the reason."""
    header = _segment(raw, 0)
    alg = header.get("alg")
    allowed = [a for a in expected.allowed_algorithms if a.lower() != "none"]
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in allowed:
        raise LoginRefused("alg_not_allowed")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    keys: KeySet = await cache.keys_for(expected.jwks_uri, kid, _unverified_iat(raw))
    if kid is not None and not any(key.kid == kid for key in keys.keys):
        raise LoginRefused("unknown_key")
    try:
        token = jwt.decode(raw, keys, algorithms=allowed)
    except BadSignatureError as exc:
        raise LoginRefused("bad_signature") from exc
    except JoseError as exc:
        raise LoginRefused(f"id_token_invalid:{exc.error}") from exc
    claims = dict(token.claims)

    if claims.get("iss") != expected.issuer:
        raise LoginRefused("wrong_issuer")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if expected.client_id not in audiences:
        raise LoginRefused("wrong_audience")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != expected.client_id:
        raise LoginRefused("wrong_azp")
    # Core 3.1.3.7 step 3: refuse a token that is also meant for a client we do not trust; it
    # could be one that client received and passed on.
    if any(a != expected.client_id and a not in expected.trusted_audiences for a in audiences):
        raise LoginRefused("untrusted_audience")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise LoginRefused("missing_sub")
    registry = jwt.JWTClaimsRegistry(
        now=now if now is not None else int(time.time()),
        leeway=LEEWAY_SECONDS,
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise LoginRefused("expired") from exc
    except JoseError as exc:
        raise LoginRefused(f"time_claims:{exc.error}") from exc
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce, expected.nonce):
        raise LoginRefused("nonce_mismatch")
    if expected.required_acr and claims.get("acr") not in expected.required_acr:
        raise LoginRefused(
            "acr_not_met",
            "Voor casushub is inloggen met een tweede factor verplicht. Log opnieuw in bij uw "
            "organisatie met de sterkere inlogmethode.",
        )
    return claims
