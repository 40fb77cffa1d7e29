"""Provider metadata (OpenID Connect Discovery) and signing keys, cached per process.

Both are cached for ``OIDC_CACHE_SECONDS``. A token signed with a key id that the cached JWKS
does not hold triggers exactly one refresh (the provider may have rotated its keys); if the key
is still unknown the token is refused. Such forced refreshes happen at most once per
``FORCED_REFRESH_INTERVAL`` per provider, so a stream of tokens with made-up key ids cannot
turn casushub into a load generator against the provider. That window must not swallow a real
rotation that follows a refresh within seconds, so one extra refresh per window is allowed for
a token issued (``iat``) after the keys were last fetched: the keys we hold may be older than
the key that signed it. The ``iat`` is read before the signature is checked, so a forger can
claim any; that is why it buys one refresh per window and no more. Every request to a provider
is bounded by ``OIDC_TIMEOUT_SECONDS`` so a slow provider gives a Dutch error page, not a
hanging request.

A provider inside a municipality's own network may have a certificate of that municipality's
own certificate authority: ``OIDC_CA_BUNDLE`` names a PEM file whose CAs are trusted *in
addition to* the public ones (``oidc_verify``). Setting ``SSL_CERT_FILE`` instead would
replace the public CAs and break every other provider.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import certifi
import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from casushub.platform.identity.errors import ProviderUnavailable

__all__ = ["ProviderMetadata", "ProviderMetadataCache", "oidc_verify"]

FORCED_REFRESH_INTERVAL = 10.0
_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


@lru_cache(maxsize=4)
def oidc_verify(ca_bundle: str) -> ssl.SSLContext | bool:
    """What the HTTP clients to identity providers verify certificates with.

    ``True`` (the public CAs) without a bundle; with one, a context that trusts the public
    CAs and the bundle's. Built once per bundle path: loading CAs costs milliseconds.
    """
    if not ca_bundle:
        return True
    context = ssl.create_default_context(cafile=certifi.where())
    try:
        context.load_verify_locations(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        msg = f"OIDC_CA_BUNDLE {ca_bundle} is geen leesbaar PEM-bestand: {exc}"
        raise ProviderUnavailable(msg) from exc
    return context


def _configured_verify() -> ssl.SSLContext | bool:
    from casushub.platform.settings import get_settings

    return oidc_verify(get_settings().oidc_ca_bundle)


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    userinfo_endpoint: str | None
    raw: dict[str, Any]


@dataclass
class _Entry:
    value: Any
    fetched_at: float  # monotonic, for the cache's age
    fetched_wall: float = field(default_factory=time.time)  # comparable with a token's iat


@dataclass
class _Forced:
    """The forced refresh of one provider's keys in the current window."""

    at: float  # monotonic
    extra_used: bool = False


def _optional_url(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass
class ProviderMetadataCache:
    ttl: float
    timeout: float
    ca_bundle: str | None = None
    """PEM file of extra CAs; ``None``: ``OIDC_CA_BUNDLE`` from the environment."""
    _metadata: dict[str, _Entry] = field(default_factory=dict)
    _keys: dict[str, _Entry] = field(default_factory=dict)
    _forced: dict[str, _Forced] = field(default_factory=dict)

    def _fresh(self, entry: _Entry | None) -> bool:
        return entry is not None and time.monotonic() - entry.fetched_at < self.ttl

    async def _get_json(self, url: str) -> dict[str, Any]:
        verify = _configured_verify() if self.ca_bundle is None else oidc_verify(self.ca_bundle)
        try:
            async with httpx.AsyncClient(timeout=self.timeout, verify=verify) as client:
                response = await client.get(url, headers={"accept": "application/json"})
                response.raise_for_status()
                data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__} bij {url}") from exc
        if not isinstance(data, dict):
            raise ProviderUnavailable(f"geen JSON-object van {url}")
        return data

    async def metadata(self, discovery_url: str, expected_issuer: str) -> ProviderMetadata:
        entry = self._metadata.get(discovery_url)
        if entry is None or not self._fresh(entry):
            raw = await self._get_json(discovery_url)
            if any(not isinstance(raw.get(name), str) for name in _REQUIRED):
                raise ProviderUnavailable("discovery-document onvolledig")
            # OpenID Connect Discovery §4.3: the document must name the issuer we configured,
            # otherwise one provider could pose as another.
            if raw["issuer"] != expected_issuer:
                raise ProviderUnavailable("issuer in discovery-document wijkt af")
            entry = _Entry(
                ProviderMetadata(
                    issuer=raw["issuer"],
                    authorization_endpoint=raw["authorization_endpoint"],
                    token_endpoint=raw["token_endpoint"],
                    jwks_uri=raw["jwks_uri"],
                    end_session_endpoint=_optional_url(raw.get("end_session_endpoint")),
                    userinfo_endpoint=_optional_url(raw.get("userinfo_endpoint")),
                    raw=raw,
                ),
                time.monotonic(),
            )
            self._metadata[discovery_url] = entry
        metadata: ProviderMetadata = entry.value
        return metadata

    async def _fetch_keys(self, jwks_uri: str) -> KeySet:
        raw = await self._get_json(jwks_uri)
        try:
            keys = KeySet.import_key_set(raw)  # type: ignore[arg-type]  # checked by joserfc
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ProviderUnavailable("JWKS onleesbaar") from exc
        self._keys[jwks_uri] = _Entry(keys, time.monotonic())
        return keys

    async def keys_for(
        self, jwks_uri: str, kid: str | None, issued_at: int | None = None
    ) -> KeySet:
        """The provider's key set, refreshed once when ``kid`` is not in the cached one.

        ``issued_at`` is the token's (unverified) ``iat``: see the module docstring.
        """
        entry = self._keys.get(jwks_uri)
        if entry is None or not self._fresh(entry):
            return await self._fetch_keys(jwks_uri)
        keys: KeySet = entry.value
        if kid is None or any(key.kid == kid for key in keys.keys):
            return keys
        now = time.monotonic()
        forced = self._forced.get(jwks_uri)
        if forced is None or now - forced.at >= FORCED_REFRESH_INTERVAL:
            self._forced[jwks_uri] = _Forced(now)
            return await self._fetch_keys(jwks_uri)
        if not forced.extra_used and issued_at is not None and issued_at > entry.fetched_wall:
            forced.extra_used = True
            return await self._fetch_keys(jwks_uri)
        return keys

    def forget(self, discovery_url: str) -> None:
        self._metadata.pop(discovery_url, None)
