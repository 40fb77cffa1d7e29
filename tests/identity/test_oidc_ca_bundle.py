"""An identity provider with a certificate of a municipality's own CA: trusted only when its CA
is in OIDC_CA_BUNDLE, for discovery and for the token exchange, and on top of the public CAs."""

from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from casushub.platform.identity.discovery import ProviderMetadataCache, oidc_verify
from casushub.platform.identity.errors import ProviderUnavailable
from casushub.platform.identity.provider_calls import exchange_code
from casushub.platform.settings import Settings


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass
class PrivateCa:
    ca_pem: Path
    cert_pem: Path
    key_pem: Path


def _make_ca(directory: Path) -> PrivateCa:
    """A CA of 'Gemeente Oostdam' and a server certificate for localhost signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Gemeente Oostdam CA"))
        .issuer_name(_name("Gemeente Oostdam CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    found = PrivateCa(directory / "ca.crt", directory / "server.crt", directory / "server.key")
    found.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    found.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    found.key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return found


@dataclass
class Provider:
    issuer: str
    ca: PrivateCa
    token_requests: list[str]


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[Provider]:
    """A minimal HTTPS provider on loopback: discovery and a token endpoint."""
    ca = _make_ca(tmp_path)
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _json(self, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            issuer = f"https://localhost:{cast(ThreadingHTTPServer, self.server).server_port}"
            self._json(
                {
                    "issuer": issuer,
                    "authorization_endpoint": issuer + "/auth",
                    "token_endpoint": issuer + "/token",
                    "jwks_uri": issuer + "/jwks",
                }
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            seen.append(self.rfile.read(length).decode())
            self._json({"access_token": "a", "token_type": "Bearer", "id_token": "x.y.z"})

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ca.cert_pem, ca.key_pem)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Provider(f"https://localhost:{server.server_address[1]}", ca, seen)
    finally:
        server.shutdown()
        server.server_close()


async def test_discovery_trusts_the_private_ca_only_with_the_bundle(provider: Provider) -> None:
    discovery = provider.issuer + "/.well-known/openid-configuration"
    without = ProviderMetadataCache(ttl=60, timeout=5, ca_bundle="")
    with pytest.raises(ProviderUnavailable):
        await without.metadata(discovery, provider.issuer)
    with_bundle = ProviderMetadataCache(ttl=60, timeout=5, ca_bundle=str(provider.ca.ca_pem))
    metadata = await with_bundle.metadata(discovery, provider.issuer)
    assert metadata.token_endpoint == provider.issuer + "/token"


async def test_the_token_exchange_trusts_the_bundle_too(
    provider: Provider, settings: Settings
) -> None:
    # The exchange reads only the client id and secret: a stand-in, not a ProviderConfig (the
    # ignores below).
    client = SimpleNamespace(client_id="casushub", client_secret="geheim-0123456789")
    endpoint = provider.issuer + "/token"
    with pytest.raises(ProviderUnavailable):
        await exchange_code(client, settings, endpoint, "code-1", "verifier-1")  # type: ignore[arg-type]
    assert provider.token_requests == []
    trusting = replace(settings, oidc_ca_bundle=str(provider.ca.ca_pem))
    token = await exchange_code(client, trusting, endpoint, "code-2", "verifier-2")  # type: ignore[arg-type]
    assert token["access_token"] == "a"
    assert "code=code-2" in provider.token_requests[0]


def test_the_bundle_adds_to_the_public_cas(provider: Provider) -> None:
    context = oidc_verify(str(provider.ca.ca_pem))
    assert isinstance(context, ssl.SSLContext)
    public = ssl.create_default_context(cafile=certifi.where()).cert_store_stats()["x509_ca"]
    assert context.cert_store_stats()["x509_ca"] == public + 1
    assert oidc_verify("") is True


def test_an_unreadable_bundle_is_reported_in_dutch(tmp_path: Path) -> None:
    broken = tmp_path / "geen-pem.crt"
    broken.write_text("dit is geen certificaat")
    with pytest.raises(ProviderUnavailable, match=r"OIDC_CA_BUNDLE .* geen leesbaar PEM-bestand"):
        oidc_verify(str(broken))


async def test_the_userinfo_request_trusts_the_bundle_too(
    provider: Provider, settings: Settings
) -> None:
    from casushub.platform.identity.provider_calls import fetch_userinfo

    endpoint = provider.issuer + "/userinfo"
    with pytest.raises(ProviderUnavailable):
        await fetch_userinfo(endpoint, "token", settings)
    trusting = replace(settings, oidc_ca_bundle=str(provider.ca.ca_pem))
    answer = await fetch_userinfo(endpoint, "token", trusting)
    assert answer["issuer"] == provider.issuer  # the test server answers every GET alike
