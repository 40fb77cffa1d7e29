"""Identity tables in schema ``platform``: no personal data of citizens, only of staff."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase

__all__ = [
    "AdminAuditEntry",
    "IdentitySession",
    "Invitation",
    "Membership",
    "OidcProvider",
    "Organisation",
    "PendingLogin",
    "User",
    "WebSessionData",
]


def _now_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class Organisation(PlatformBase):
    """A partner organisation (gemeente, politie, OM, …) with its own identity provider."""

    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.hubs.id"), index=True)
    # A gemeente organisation belongs to one municipality (tenant).
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.tenants.id"))
    slug: Mapped[str] = mapped_column(String(41), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    email_domains: Mapped[list[str]] = mapped_column(ARRAY(String(253)), default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _now_column()


class OidcProvider(PlatformBase):
    """The OpenID Connect provider of one organisation; casushub is its relying party."""

    __tablename__ = "oidc_providers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), unique=True
    )
    issuer: Mapped[str] = mapped_column(String(500))
    discovery_url: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    # AES-GCM ciphertext (casushub.platform.identity.encryption); never shown again.
    client_secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    scopes: Mapped[str] = mapped_column(String(300), default="openid email profile")
    allowed_algorithms: Mapped[list[str]] = mapped_column(ARRAY(String(10)), default=list)
    required_acr: Mapped[list[str]] = mapped_column(ARRAY(String(200)), default=list)
    # [{"claim": "groups", "value": "zvh-regie", "role": "procesregisseur", "tenant": "slug"?}]
    claim_mappings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # Other client ids an ID token may name in ``aud`` besides ours (OpenID Connect Core
    # 3.1.3.7 step 3); empty: an ID token for anyone else as well is refused.
    trusted_audiences: Mapped[list[str]] = mapped_column(
        ARRAY(String(200)), default=list, server_default="{}"
    )
    post_logout_redirect_uri: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class User(PlatformBase):
    """A person as one provider knows them: keyed by (issuer, subject), never by e-mail."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_users_issuer_subject"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = _now_column()
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Invitation(PlatformBase):
    """An admin's pre-invitation: the first sign-in with this e-mail binds to it."""

    __tablename__ = "invitations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(30))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.tenants.id"))
    hub_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.hubs.id"))
    invited_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))


class Membership(PlatformBase):
    """User × organisation × (tenant or hub) × role: one context the user can act in."""

    __tablename__ = "memberships"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.users.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.organisations.id"))
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.tenants.id"))
    hub_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.hubs.id"))
    role: Mapped[str] = mapped_column(String(30))
    granted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("platform.users.id"))
    created_at: Mapped[datetime] = _now_column()


class PendingLogin(PlatformBase):
    """A started sign-in: single use, expires after ten minutes; several may be open."""

    __tablename__ = "pending_logins"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.oidc_providers.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.organisations.id"))
    return_to: Mapped[str] = mapped_column(String(2000), default="/")
    # SHA-256 (hex) of the pre-login cookie of the browser that started the sign-in: the
    # callback must come from that browser (login CSRF). The cookie itself is never stored.
    # NULL only for sign-ins started by the release before p0008; those are refused.
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _now_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class IdentitySession(PlatformBase):
    """A signed-in session: who, since when, last activity, how it ended."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.users.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("platform.organisations.id"), index=True
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("platform.oidc_providers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # Sent back as id_token_hint for RP-initiated logout.
    id_token: Mapped[str] = mapped_column(Text, default="")


class WebSessionData(PlatformBase):
    """Litestar's server-side session store (cookie id → serialised session)."""

    __tablename__ = "web_sessions"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class AdminAuditEntry(PlatformBase):
    """Admin audit log: sign-ins, failures, logouts, revocations, role changes.

    Append-only: a trigger (migration p0002) refuses UPDATE and DELETE for every role.
    """

    __tablename__ = "admin_audit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = _now_column()
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column()
    organisation_id: Mapped[uuid.UUID | None] = mapped_column()
    target: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
