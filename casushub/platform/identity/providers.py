"""Each organisation's own identity provider (OpenID Connect): saving its settings with the
client secret encrypted, checked (client id, signing algorithms, acr values, claim-to-role
mappings, trusted audiences), and reading it back for the sign-in, by organisation or by the
e-mail domain a user types.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.encryption import SecretBox
from casushub.platform.identity.models import (
    OidcProvider,
    Organisation,
)
from casushub.platform.identity.roles import Role
from casushub.platform.registry import RegistryError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.settings import Settings


# A client id as providers issue them: printable, no spaces (an ``aud`` value, compared exactly).
_CLIENT_ID = re.compile(r"^[\x21-\x7e]{1,200}$")


MAX_TRUSTED_AUDIENCES = 20


_SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


@dataclass(frozen=True)
class ProviderConfig:
    """What the sign-in needs of a provider, with the client secret decrypted."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    organisation_active: bool
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    allowed_algorithms: tuple[str, ...]
    required_acr: tuple[str, ...]
    claim_mappings: tuple[dict[str, Any], ...]
    post_logout_redirect_uri: str | None
    trusted_audiences: tuple[str, ...] = ()


# What a new provider gets for a setting its caller leaves unspecified.
DEFAULT_SCOPES = "openid email profile"


DEFAULT_ALGORITHMS = ("RS256",)


async def save_provider(
    conn: AsyncConnection,
    settings: Settings,
    *,
    organisation_id: uuid.UUID,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    discovery_url: str | None = None,
    scopes: str | None = None,
    allowed_algorithms: tuple[str, ...] | None = None,
    required_acr: tuple[str, ...] | None = None,
    claim_mappings: tuple[dict[str, Any], ...] | None = None,
    post_logout_redirect_uri: str | None = None,
    trusted_audiences: tuple[str, ...] | None = None,
    actor_user_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Create or change an organisation's provider; the secret is stored encrypted only.

    Every setting left ``None`` keeps what an existing provider has (a new one gets the
    defaults), so a screen or API call that does not name the MFA level, the claim mappings,
    the algorithms or the trusted audiences never resets them. An empty value clears a setting
    (``post_logout_redirect_uri=""``: none); ``client_secret`` ``None`` keeps the stored secret.
    """
    # On a connection an entity select gives the columns: the row is the stored provider.
    existing = (
        await conn.execute(
            select(OidcProvider).where(OidcProvider.organisation_id == organisation_id)
        )
    ).first()
    if allowed_algorithms is not None and (
        not allowed_algorithms or not set(allowed_algorithms) <= _SIGNING_ALGORITHMS
    ):
        msg = "Kies toegestane ondertekeningsalgoritmen, bijvoorbeeld RS256 (nooit 'none')."
        raise RegistryError(msg, "allowed_algorithms")
    if scopes is not None and "openid" not in scopes.split():
        msg = "De scopes moeten 'openid' bevatten."
        raise RegistryError(msg, "scopes")
    if client_secret is None and existing is None:
        msg = "Vul het clientgeheim in."
        raise RegistryError(msg, "client_secret")
    audiences = None if trusted_audiences is None else _trusted(trusted_audiences, client_id)
    acr = None if required_acr is None else _acr(required_acr)
    mappings = None if claim_mappings is None else _mappings(claim_mappings)
    if discovery_url is None and (existing is None or existing.issuer != issuer):
        # A custom discovery address belongs to its issuer: a new issuer gets its own default.
        discovery_url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    given: dict[str, Any] = {
        "discovery_url": discovery_url,
        "client_secret_encrypted": (
            None
            if client_secret is None
            else SecretBox.from_settings(settings).encrypt(client_secret)
        ),
        "scopes": scopes,
        "allowed_algorithms": None if allowed_algorithms is None else list(allowed_algorithms),
        "required_acr": acr,
        "claim_mappings": mappings,
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "trusted_audiences": audiences,
    }
    values: dict[str, Any] = {"issuer": issuer, "client_id": client_id}
    values |= {k: v for k, v in given.items() if v is not None}
    if values.get("post_logout_redirect_uri") == "":
        values["post_logout_redirect_uri"] = None
    if existing is None:
        values = {
            "scopes": DEFAULT_SCOPES,
            "allowed_algorithms": list(DEFAULT_ALGORITHMS),
            "required_acr": [],
            "claim_mappings": [],
            "trusted_audiences": [],
            **values,
        }
        provider_id = (
            await conn.execute(
                insert(OidcProvider)
                .values(organisation_id=organisation_id, **values)
                .returning(OidcProvider.id)
            )
        ).scalar_one()
    else:
        provider_id = existing.id
        await conn.execute(
            update(OidcProvider)
            .where(OidcProvider.id == existing.id)
            .values(**values, updated_at=func.now())
        )
    changed = sorted(
        k for k, v in given.items() if v is not None and k != "client_secret_encrypted"
    )
    await record(
        conn,
        AuditAction.PROVIDER_SAVED,
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        target=issuer,
        details={
            "client_id": client_id,
            "gewijzigd": changed,
            "geheim_vervangen": client_secret is not None,
            **({} if audiences is None else {"vertrouwde_audiences": audiences}),
            **({} if acr is None else {"vereiste_acr": acr}),
        },
    )
    return provider_id


_ACR = re.compile(r"^[\x21-\x7e]{1,200}$")


def _acr(values: tuple[str, ...]) -> list[str]:
    """Required ``acr`` values (e.g. an MFA level): exact, printable, a handful at most."""
    found = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(found) > MAX_TRUSTED_AUDIENCES or any(not _ACR.match(v) for v in found):
        msg = (
            f"Geef hooguit {MAX_TRUSTED_AUDIENCES} acr-waarden op, elk ten hoogste 200 tekens "
            "zonder spaties."
        )
        raise RegistryError(msg, "required_acr")
    return found


_MAPPING_KEYS = frozenset({"claim", "value", "role", "tenant", "hub"})


def _mappings(values: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """Claim mappings (claim = value gives role, optionally in one municipality or hub)."""
    found: list[dict[str, Any]] = []
    # The platform operator's role is never handed out by an organisation's provider.
    roles = {r.value for r in Role} - {Role.PLATFORM_OPERATOR.value}
    for mapping in values:
        claim, value, role = mapping.get("claim"), mapping.get("value"), mapping.get("role")
        scope = {k: mapping[k] for k in ("tenant", "hub") if mapping.get(k)}
        if (
            not set(mapping) <= _MAPPING_KEYS
            or not isinstance(claim, str)
            or not claim.strip()
            or not isinstance(value, str)
            or not value.strip()
            or role not in roles
            or any(not isinstance(v, str) for v in scope.values())
        ):
            msg = (
                "Een claimkoppeling noemt een claim, een waarde en een bestaande rol "
                "(en eventueel een gemeente of hub)."
            )
            raise RegistryError(msg, "claim_mappings")
        found.append({"claim": claim.strip(), "value": value.strip(), "role": role, **scope})
    return found


def _trusted(values: tuple[str, ...], client_id: str) -> list[str]:
    """Other client ids an ID token may name as well: exact, printable, a handful at most."""
    audiences = sorted({v.strip() for v in values if v.strip()} - {client_id.strip()})
    if len(audiences) > MAX_TRUSTED_AUDIENCES:
        msg = f"Geef hooguit {MAX_TRUSTED_AUDIENCES} vertrouwde audiences op."
        raise RegistryError(msg, "trusted_audiences")
    if any(not _CLIENT_ID.match(a) for a in audiences):
        msg = (
            "Een vertrouwde audience is een client-id van ten hoogste 200 tekens, zonder spaties "
            "of bijzondere tekens."
        )
        raise RegistryError(msg, "trusted_audiences")
    return audiences


def _config(row: Any, box: SecretBox) -> ProviderConfig:
    provider = row
    return ProviderConfig(
        id=provider.id,
        organisation_id=provider.organisation_id,
        organisation_name=row.organisation_name,
        organisation_active=row.organisation_active,
        issuer=provider.issuer,
        discovery_url=provider.discovery_url,
        client_id=provider.client_id,
        client_secret=box.decrypt(provider.client_secret_encrypted),
        scopes=provider.scopes,
        allowed_algorithms=tuple(provider.allowed_algorithms),
        required_acr=tuple(provider.required_acr),
        claim_mappings=tuple(provider.claim_mappings),
        post_logout_redirect_uri=provider.post_logout_redirect_uri,
        trusted_audiences=tuple(provider.trusted_audiences or ()),
    )


def _provider_query() -> Any:
    return select(
        *OidcProvider.__table__.c,
        Organisation.name.label("organisation_name"),
        Organisation.active.label("organisation_active"),
    ).join(Organisation, Organisation.id == OidcProvider.organisation_id)


async def provider_for_domain(
    conn: AsyncConnection, settings: Settings, domain: str
) -> ProviderConfig | None:
    """The active organisation's provider for an e-mail domain (home-realm discovery)."""
    row = (
        await conn.execute(
            _provider_query().where(
                Organisation.email_domains.contains([domain]), Organisation.active.is_(True)
            )
        )
    ).first()
    return None if row is None else _config(row, SecretBox.from_settings(settings))


async def provider_for_organisation(
    conn: AsyncConnection, settings: Settings, provider_id: uuid.UUID
) -> ProviderConfig | None:
    row = (await conn.execute(_provider_query().where(OidcProvider.id == provider_id))).first()
    return None if row is None else _config(row, SecretBox.from_settings(settings))
