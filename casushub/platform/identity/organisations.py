"""Organisations and their identity providers; home-realm discovery by e-mail domain."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from casushub.platform.fouten import GeenToegang
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.encryption import SecretBox
from casushub.platform.identity.models import (
    IdentitySession,
    Membership,
    OidcProvider,
    Organisation,
    User,
)
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.identity.sessions import end_sessions, utcnow
from casushub.platform.models import Hub
from casushub.platform.registry import RegistryError, validate_slug

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.settings import Settings

__all__ = [
    "DeactivationImpact",
    "DeactivationRefused",
    "OrganisationClash",
    "ProviderConfig",
    "check_deactivation",
    "create_organisation",
    "deactivate_organisation",
    "deactivation_impact",
    "domain_of",
    "organisation_for_domain",
    "provider_for_domain",
    "provider_for_organisation",
    "save_provider",
]

_DOMAIN = re.compile(r"^(?=.{3,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+$")
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


class OrganisationClash(RegistryError):
    """The slug or an e-mail domain is already another organisation's."""


def domain_of(email: str) -> str | None:
    email = email.strip().lower()
    if email.count("@") != 1:
        return None
    local, domain = email.split("@")
    if not local or not _DOMAIN.match(domain):
        return None
    return domain


async def create_organisation(
    conn: AsyncConnection,
    *,
    slug: str,
    name: str,
    type: str,
    email_domains: list[str],
    hub_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
) -> uuid.UUID:
    validate_slug(slug)
    if type not in {t.value for t in OrganisationType}:
        msg = "Onbekend soort organisatie."
        raise RegistryError(msg, "type")
    domains = sorted({d.strip().lower() for d in email_domains})
    if not domains or any(not _DOMAIN.match(d) for d in domains):
        msg = "Geef een of meer geldige e-maildomeinen op, bijvoorbeeld politie.nl."
        raise RegistryError(msg, "email_domains")
    # One domain picks one organisation, or home-realm discovery would be ambiguous.
    clash = await conn.execute(
        select(Organisation.slug).where(Organisation.email_domains.overlap(domains))
    )
    if (row := clash.first()) is not None:
        msg = f"Een van deze e-maildomeinen is al in gebruik bij {row.slug!r}."
        raise OrganisationClash(msg, "email_domains")
    if (await conn.execute(select(Organisation.id).where(Organisation.slug == slug))).first():
        msg = f"De korte naam {slug!r} is al in gebruik bij een andere organisatie."
        raise OrganisationClash(msg, "slug")
    result = await conn.execute(
        insert(Organisation)
        .values(
            slug=slug,
            name=name.strip(),
            type=type,
            email_domains=domains,
            hub_id=hub_id,
            tenant_id=tenant_id,
        )
        .returning(Organisation.id)
    )
    return result.scalar_one()


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


async def organisation_for_domain(conn: AsyncConnection, domain: str) -> uuid.UUID | None:
    """The organisation an e-mail domain belongs to (active or not), for per-organisation limits."""
    return (
        await conn.execute(
            select(Organisation.id).where(Organisation.email_domains.contains([domain])).limit(1)
        )
    ).scalar()


async def provider_for_organisation(
    conn: AsyncConnection, settings: Settings, provider_id: uuid.UUID
) -> ProviderConfig | None:
    row = (await conn.execute(_provider_query().where(OidcProvider.id == provider_id))).first()
    return None if row is None else _config(row, SecretBox.from_settings(settings))


class DeactivationRefused(GeenToegang):
    """Switching this organisation off would lock the hub out; ``message`` is Dutch."""


HUB_OWN_ORGANISATION = (
    "De eigen organisatie van de hub kan niet worden uitgeschakeld: dat beëindigt de sessies "
    "van alle medewerkers van de hub en daarna kan niemand de hub nog beheren."
)
LAST_HUB_ADMIN = (
    "Dit is de laatste organisatie met een actieve hubbeheerder: na het uitschakelen kan "
    "niemand de hub nog beheren. Geef eerst een gebruiker van een andere organisatie de rol "
    "hubbeheerder."
)


@dataclass(frozen=True)
class DeactivationImpact:
    """What switching an organisation off ends, for the confirmation page."""

    users: int  # active users who can no longer sign in
    sessions: int  # live sessions ended at once
    memberships: int  # roles (in a municipality or the hub) that can no longer be used
    tenants: int  # municipalities in which its users hold a role


async def deactivation_impact(
    conn: AsyncConnection, organisation_id: uuid.UUID
) -> DeactivationImpact:
    users = await conn.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == organisation_id, User.active.is_(True))
    )
    sessions = await conn.scalar(
        select(func.count())
        .select_from(IdentitySession)
        .where(
            IdentitySession.organisation_id == organisation_id,
            IdentitySession.ended_at.is_(None),
            IdentitySession.expires_at > utcnow(),
        )
    )
    memberships = (
        await conn.execute(
            select(func.count(), func.count(func.distinct(Membership.tenant_id)))
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id == organisation_id, User.active.is_(True))
        )
    ).one()
    return DeactivationImpact(
        users=int(users or 0),
        sessions=int(sessions or 0),
        memberships=int(memberships[0]),
        tenants=int(memberships[1]),
    )


def _admin_organisations(hub_id: Any) -> Any:
    """Active organisations with an active user who is hub admin of ``hub_id``."""
    return (
        select(Organisation.id)
        .join(User, User.organisation_id == Organisation.id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Organisation.active.is_(True),
            User.active.is_(True),
            Membership.role == Role.HUB_ADMIN.value,
            Membership.hub_id == hub_id,
        )
        .distinct()
    )


async def check_deactivation(conn: AsyncConnection, organisation_id: uuid.UUID) -> None:
    """Refuse what would lock a hub out: its own organisation, or the last organisation with
    an active hub admin of a hub. Locks those hubs until the transaction ends, so two
    deactivations at once cannot each leave the other as the last one."""
    org = (
        await conn.execute(
            select(Organisation.type, Organisation.hub_id).where(Organisation.id == organisation_id)
        )
    ).first()
    if org is None:
        return
    if org.type == OrganisationType.HUB.value:
        raise DeactivationRefused(HUB_OWN_ORGANISATION)
    hubs = list(
        (
            await conn.execute(
                select(Membership.hub_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.organisation_id == organisation_id,
                    Membership.role == Role.HUB_ADMIN.value,
                    Membership.hub_id.is_not(None),
                    User.active.is_(True),
                )
                .distinct()
            )
        ).scalars()
    )
    if not hubs:
        return
    await conn.execute(select(Hub.id).where(Hub.id.in_(hubs)).with_for_update())
    for hub_id in hubs:
        others = await conn.scalar(
            select(func.count()).select_from(
                _admin_organisations(hub_id).where(Organisation.id != organisation_id).subquery()
            )
        )
        if not others:
            raise DeactivationRefused(LAST_HUB_ADMIN)


async def deactivate_organisation(
    conn: AsyncConnection,
    organisation_id: uuid.UUID,
    *,
    actor_user_id: uuid.UUID | None = None,
    ip: str = "",
) -> int:
    """Switch an organisation off and end every session of its users at once.

    Raises :class:`DeactivationRefused` (and changes nothing) when that would lock a hub out.
    """
    await check_deactivation(conn, organisation_id)
    await conn.execute(
        update(Organisation).where(Organisation.id == organisation_id).values(active=False)
    )
    ended = await end_sessions(conn, organisation_id=organisation_id, reason="organisatie_uit")
    await record(
        conn,
        AuditAction.ORGANISATION_DEACTIVATED,
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        details={"sessies_beeindigd": ended},
        ip=ip,
    )
    return ended
