"""ID-token refusals: tokens the real provider would never issue, signed here with joserfc and
checked by the same ``validate_id_token`` the callback uses, against a JWKS served over HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from casushub.platform.identity.discovery import ProviderMetadataCache
from casushub.platform.identity.errors import LoginRefused
from casushub.platform.identity.tokens import IdTokenExpectations, validate_id_token

ISSUER = "https://idp-a.test"
CLIENT = "casushub"
NONCE = "nonce-van-deze-login"


class JwksServer:
    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def publish(self, *keys: RSAKey) -> None:
        self.keys = [key.as_dict(private=False) for key in keys]


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "sub": "medewerker-1",
        "aud": CLIENT,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "m@a.test",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(key: RSAKey | OctKey, payload: dict[str, Any], alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, payload, key, algorithms=[alg])


async def check(
    token: str,
    jwks: JwksServer,
    *,
    issuer: str = ISSUER,
    acr: tuple[str, ...] = (),
    trusted: tuple[str, ...] = (),
) -> dict[str, Any]:
    cache = ProviderMetadataCache(ttl=3600, timeout=2)
    expected = IdTokenExpectations(
        issuer=issuer,
        client_id=CLIENT,
        nonce=NONCE,
        allowed_algorithms=("RS256",),
        jwks_uri=jwks.url,
        required_acr=acr,
        trusted_audiences=trusted,
    )
    return await validate_id_token(token, expected, cache)


async def refused(token: str, jwks: JwksServer, **kwargs: Any) -> str:
    with pytest.raises(LoginRefused) as info:
        await check(token, jwks, **kwargs)
    return info.value.reason


async def test_a_correct_token_is_accepted(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    assert (await check(sign(key, claims()), jwks))["sub"] == "medewerker-1"


async def test_wrong_issuer_is_refused(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    token = sign(key, claims(iss="https://idp-b.test"))
    assert await refused(token, jwks) == "wrong_issuer"


async def test_token_of_provider_a_cannot_complete_a_login_started_for_b(
    jwks: JwksServer,
) -> None:
    # Same JWKS endpoint on purpose: even if B would trust A's key, the issuer differs.
    key = rsa_key("k1")
    jwks.publish(key)
    token_from_a = sign(key, claims(iss=ISSUER))
    assert await refused(token_from_a, jwks, issuer="https://idp-b.test") == "wrong_issuer"


async def test_wrong_audience_is_refused(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    assert await refused(sign(key, claims(aud="andere-client")), jwks) == "wrong_audience"


async def test_several_audiences_need_azp_of_this_client(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    several = claims(aud=[CLIENT, "andere-client"])
    assert await refused(sign(key, several), jwks) == "wrong_azp"
    assert await refused(sign(key, {**several, "azp": "andere-client"}), jwks) == "wrong_azp"
    trusted = ("andere-client",)
    accepted = await check(sign(key, {**several, "azp": CLIENT}), jwks, trusted=trusted)
    assert accepted["azp"] == CLIENT


async def test_an_audience_that_is_not_trusted_is_refused(jwks: JwksServer) -> None:
    # OpenID Connect Core 3.1.3.7 step 3: also with azp naming this client.
    key = rsa_key("k1")
    jwks.publish(key)
    several = claims(aud=[CLIENT, "andere-client"], azp=CLIENT)
    assert await refused(sign(key, several), jwks) == "untrusted_audience"
    # Trusting one other client does not trust a third.
    three = claims(aud=[CLIENT, "andere-client", "derde-client"], azp=CLIENT)
    reason = await refused(sign(key, three), jwks, trusted=("andere-client",))
    assert reason == "untrusted_audience"
    # The trust list never stands in for our own client id.
    without_us = claims(aud=["andere-client"], azp="andere-client")
    assert await refused(sign(key, without_us), jwks, trusted=("andere-client",)) == (
        "wrong_audience"
    )


async def test_expired_token_is_refused(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    past = int(time.time()) - 3600
    assert await refused(sign(key, claims(iat=past - 300, exp=past)), jwks) == "expired"


async def test_token_issued_in_the_future_is_refused(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    future = int(time.time()) + 3600
    reason = await refused(sign(key, claims(iat=future, exp=future + 300)), jwks)
    assert reason.startswith("time_claims")


async def test_nonce_mismatch_and_replayed_token_are_refused(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    assert await refused(sign(key, claims(nonce="andere-nonce")), jwks) == "nonce_mismatch"
    assert await refused(sign(key, claims(nonce=None)), jwks) == "nonce_mismatch"
    # A token captured from an earlier login carries that login's nonce: a new login has a
    # fresh nonce, so replaying the old token fails the same check.
    old_login = sign(key, claims(nonce="nonce-van-een-eerdere-login"))
    assert await refused(old_login, jwks) == "nonce_mismatch"


def _unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


async def test_alg_none_is_refused(jwks: JwksServer) -> None:
    jwks.publish(rsa_key("k1"))
    assert await refused(_unsigned(claims()), jwks) == "alg_not_allowed"


async def test_algorithm_not_on_the_allow_list_is_refused(jwks: JwksServer) -> None:
    # HS256 with a guessable secret: the classic algorithm-confusion attack.
    jwks.publish(rsa_key("k1"))
    secret = OctKey.import_key(b"0123456789abcdef0123456789abcdef", {"kid": "k1"})
    assert await refused(sign(secret, claims(), alg="HS256"), jwks) == "alg_not_allowed"


async def test_signature_by_an_unknown_key_is_refused_after_one_refresh(
    jwks: JwksServer,
) -> None:
    jwks.publish(rsa_key("k1"))
    stranger = rsa_key("onbekend")
    cache = ProviderMetadataCache(ttl=3600, timeout=2)
    expected = IdTokenExpectations(ISSUER, CLIENT, NONCE, ("RS256",), jwks.url)
    # Issued no later than the keys below were fetched (see the rotation test for newer ones).
    issued = int(time.time())
    await cache.keys_for(jwks.url, None)
    assert jwks.hits == 1
    with pytest.raises(LoginRefused) as info:
        await validate_id_token(sign(stranger, claims(iat=issued)), expected, cache)
    assert info.value.reason == "unknown_key"
    assert jwks.hits == 2  # exactly one refresh for the unknown kid
    # More made-up key ids right after: refused without hammering the provider.
    for kid in ("verzonnen-1", "verzonnen-2"):
        with pytest.raises(LoginRefused):
            await validate_id_token(sign(rsa_key(kid), claims(iat=issued)), expected, cache)
    assert jwks.hits == 2


async def test_key_rotation_right_after_a_forced_refresh_is_picked_up(jwks: JwksServer) -> None:
    old, new = rsa_key("oud"), rsa_key("nieuw")
    jwks.publish(old)
    cache = ProviderMetadataCache(ttl=3600, timeout=2)
    expected = IdTokenExpectations(ISSUER, CLIENT, NONCE, ("RS256",), jwks.url)
    await validate_id_token(sign(old, claims()), expected, cache)
    # A made-up key id spends the forced refresh of this 10-second window ...
    with pytest.raises(LoginRefused):
        await validate_id_token(sign(rsa_key("verzonnen"), claims()), expected, cache)
    assert jwks.hits == 2
    # ... and a moment later the provider really rotates. Its tokens are issued after our
    # last refresh, so the keys we hold may be stale: one more refresh is allowed.
    await asyncio.sleep(1.1)
    jwks.publish(old, new)
    assert (await validate_id_token(sign(new, claims()), expected, cache))["sub"]
    assert jwks.hits == 3
    # Only one: further made-up key ids, however new they claim to be, wait for the window.
    for kid in ("verzonnen-3", "verzonnen-4"):
        with pytest.raises(LoginRefused):
            await validate_id_token(
                sign(rsa_key(kid), claims(iat=int(time.time()) + 5)), expected, cache
            )
    assert jwks.hits == 3


async def test_known_kid_but_other_key_fails_the_signature(jwks: JwksServer) -> None:
    jwks.publish(rsa_key("k1"))
    impostor = rsa_key("k1")  # same kid, different key material
    assert await refused(sign(impostor, claims()), jwks) == "bad_signature"


async def test_rotated_key_is_picked_up_by_one_refresh(jwks: JwksServer) -> None:
    old, new = rsa_key("oud"), rsa_key("nieuw")
    jwks.publish(old)
    cache = ProviderMetadataCache(ttl=3600, timeout=2)
    expected = IdTokenExpectations(ISSUER, CLIENT, NONCE, ("RS256",), jwks.url)
    await validate_id_token(sign(old, claims()), expected, cache)
    jwks.publish(new)
    assert (await validate_id_token(sign(new, claims()), expected, cache))["sub"]
    assert jwks.hits == 2


async def test_required_acr_must_be_met(jwks: JwksServer) -> None:
    key = rsa_key("k1")
    jwks.publish(key)
    mfa = ("urn:casushub:acr:mfa",)
    assert await refused(sign(key, claims()), jwks, acr=mfa) == "acr_not_met"
    weak = claims(acr="urn:casushub:acr:wachtwoord")
    assert await refused(sign(key, weak), jwks, acr=mfa) == "acr_not_met"
    assert (await check(sign(key, claims(acr=mfa[0])), jwks, acr=mfa))["acr"] == mfa[0]
