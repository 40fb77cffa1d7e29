"""Users, invitations and memberships; who may grant what (the hub admin rule)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from casushub.platform.fouten import GeenToegang
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.models import Invitation, Membership, Organisation, User
from casushub.platform.identity.roles import TENANT_ROLES, OrganisationType, Role
from casushub.platform.identity.sessions import end_sessions
from casushub.platform.models import Hub, Tenant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "Actor",
    "GrantRefused",
    "MembershipView",
    "accept_invitations",
    "apply_claim_mappings",
    "deactivate_user",
    "grant_membership",
    "invite",
    "memberships_of",
    "revoke_membership",
]


class GrantRefused(GeenToegang):
    """A role change that the actor may not make; ``message`` is Dutch."""


@dataclass(frozen=True)
class MembershipView:
    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    role: Role
    tenant_id: uuid.UUID | None
    tenant_slug: str | None
    tenant_name: str | None
    hub_id: uuid.UUID | None
    hub_name: str | None
    # The type of the membership's organisation (OrganisationType's value): the domain's
    # Actor carries it, since what a participant may see depends on it.
    organisation_type: str | None = None

    @property
    def label(self) -> str:
        from casushub.platform.identity.roles import ROLE_LABELS

        scope = self.tenant_name or self.hub_name or "platform"
        # A hub's own organisation usually carries the hub's name: say it once.
        if self.organisation_name == scope:
            return f"{ROLE_LABELS[self.role]} – {scope}"
        return f"{ROLE_LABELS[self.role]} – {scope} ({self.organisation_name})"


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user in one context, or the system (CLI, sign-in)."""

    user_id: uuid.UUID
    role: Role
    hub_id: uuid.UUID | None
    ip: str = ""


# Built once: read on every request.
_MEMBERSHIPS = (
    select(
        Membership.id,
        Membership.organisation_id,
        Organisation.name.label("organisation_name"),
        Membership.role,
        Membership.tenant_id,
        Tenant.slug.label("tenant_slug"),
        Tenant.name.label("tenant_name"),
        Membership.hub_id,
        Hub.name.label("hub_name"),
        Organisation.type.label("organisation_type"),
    )
    .join(Organisation, Organisation.id == Membership.organisation_id)
    .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
    .outerjoin(Hub, Hub.id == Membership.hub_id)
    .where(Membership.user_id == bindparam("user_id"))
    .order_by(Tenant.name.nulls_first(), Membership.role)
)


async def memberships_of(conn: AsyncConnection, user_id: uuid.UUID) -> list[MembershipView]:
    rows = await conn.execute(_MEMBERSHIPS, {"user_id": user_id})
    return [MembershipView(**{**row._mapping, "role": Role(row.role)}) for row in rows]


async def _hub_of_scope(
    conn: AsyncConnection, tenant_id: uuid.UUID | None, hub_id: uuid.UUID | None
) -> uuid.UUID | None:
    if tenant_id is not None:
        return (await conn.execute(select(Tenant.hub_id).where(Tenant.id == tenant_id))).scalar()
    return hub_id


async def grant_membership(
    conn: AsyncConnection,
    *,
    user_id: uuid.UUID,
    organisation_id: uuid.UUID,
    role: Role,
    tenant_id: uuid.UUID | None = None,
    hub_id: uuid.UUID | None = None,
    actor: Actor | None = None,
    source: str = "beheer",
) -> uuid.UUID:
    """Give a user a context; ``actor=None`` is the system (invitation, claim mapping, CLI)."""
    if role in TENANT_ROLES and tenant_id is None:
        msg = "Deze rol hoort bij een gemeente: kies de gemeente."
        raise GrantRefused(msg)
    if tenant_id is not None and hub_id is not None:
        msg = "Kies een gemeente of een hub, niet allebei."
        raise GrantRefused(msg)
    if actor is not None:
        await _check_actor_may_grant(conn, actor, user_id, role, tenant_id, hub_id)
    stmt = (
        pg_insert(Membership)
        .values(
            user_id=user_id,
            organisation_id=organisation_id,
            tenant_id=tenant_id,
            hub_id=hub_id,
            role=role.value,
            granted_by=actor.user_id if actor else None,
        )
        .on_conflict_do_nothing(constraint="uq_memberships_user_id")
        .returning(Membership.id)
    )
    membership_id = (await conn.execute(stmt)).scalar()
    if membership_id is None:
        return (
            await conn.execute(
                select(Membership.id).where(
                    Membership.user_id == user_id,
                    Membership.organisation_id == organisation_id,
                    Membership.role == role.value,
                    Membership.tenant_id.is_not_distinct_from(tenant_id),
                    Membership.hub_id.is_not_distinct_from(hub_id),
                )
            )
        ).scalar_one()
    await record(
        conn,
        AuditAction.ROLE_GRANTED,
        actor_user_id=actor.user_id if actor else None,
        organisation_id=organisation_id,
        target=str(user_id),
        details={
            "rol": role.value,
            "gemeente": str(tenant_id) if tenant_id else None,
            "hub": str(hub_id) if hub_id else None,
            "bron": source,
        },
        ip=actor.ip if actor else "",
    )
    return membership_id


async def _check_actor_may_grant(
    conn: AsyncConnection,
    actor: Actor,
    user_id: uuid.UUID,
    role: Role,
    tenant_id: uuid.UUID | None,
    hub_id: uuid.UUID | None,
) -> None:
    async def refuse(message: str) -> None:
        await record(
            conn,
            AuditAction.ROLE_REFUSED,
            actor_user_id=actor.user_id,
            target=str(user_id),
            details={"rol": role.value, "reden": message},
            ip=actor.ip,
        )
        raise GrantRefused(message)

    if actor.role == Role.PLATFORM_OPERATOR:
        return
    if actor.role != Role.HUB_ADMIN:
        await refuse("Alleen een hubbeheerder of platformbeheerder kan rollen toekennen.")
    scope_hub = await _hub_of_scope(conn, tenant_id, hub_id)
    if scope_hub is None or scope_hub != actor.hub_id:
        await refuse("U kunt alleen rollen toekennen binnen uw eigen hub.")
    if role == Role.PLATFORM_OPERATOR:
        await refuse("Een hubbeheerder kan geen platformbeheerder aanwijzen.")
    if tenant_id is not None:
        # Case data belong to the municipality; the hub is its processor. Its admin must not
        # be able to open those data to itself or to its own staff.
        if user_id == actor.user_id:
            await refuse("U kunt uzelf geen toegang tot casusgegevens geven.")
        target_org_type = (
            await conn.execute(
                select(Organisation.type, Organisation.hub_id)
                .join(User, User.organisation_id == Organisation.id)
                .where(User.id == user_id)
            )
        ).first()
        if (
            target_org_type is not None
            and target_org_type.type == OrganisationType.HUB.value
            and target_org_type.hub_id == actor.hub_id
        ):
            await refuse(
                "Medewerkers van de hub krijgen toegang tot casusgegevens alleen via de gemeente."
            )


async def revoke_membership(
    conn: AsyncConnection, membership_id: uuid.UUID, *, actor: Actor | None = None
) -> None:
    row = (
        await conn.execute(
            delete(Membership)
            .where(Membership.id == membership_id)
            .returning(Membership.user_id, Membership.role, Membership.organisation_id)
        )
    ).first()
    if row is not None:
        await record(
            conn,
            AuditAction.ROLE_REVOKED,
            actor_user_id=actor.user_id if actor else None,
            organisation_id=row.organisation_id,
            target=str(row.user_id),
            details={"rol": row.role},
            ip=actor.ip if actor else "",
        )


async def invite(
    conn: AsyncConnection,
    *,
    organisation_id: uuid.UUID,
    email: str,
    role: Role,
    tenant_id: uuid.UUID | None = None,
    hub_id: uuid.UUID | None = None,
    invited_by: uuid.UUID | None = None,
    valid_for: timedelta = timedelta(days=30),
) -> uuid.UUID:
    """Pre-invite an e-mail address: its first sign-in at this organisation binds to it."""
    email = email.strip().lower()
    result = await conn.execute(
        insert(Invitation)
        .values(
            organisation_id=organisation_id,
            email=email,
            role=role.value,
            tenant_id=tenant_id,
            hub_id=hub_id,
            invited_by=invited_by,
            expires_at=datetime.now(UTC) + valid_for,
        )
        .returning(Invitation.id)
    )
    invitation_id = result.scalar_one()
    await record(
        conn,
        AuditAction.INVITED,
        actor_user_id=invited_by,
        organisation_id=organisation_id,
        target=email,
        details={"rol": role.value},
    )
    return invitation_id


async def accept_invitations(
    conn: AsyncConnection, *, user_id: uuid.UUID, organisation_id: uuid.UUID, email: str
) -> int:
    """Bind open invitations for this e-mail at this organisation to the user (first login)."""
    rows = (
        await conn.execute(
            update(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.email == email.strip().lower(),
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > func.now(),
            )
            .values(accepted_at=func.now(), accepted_by=user_id)
            .returning(Invitation.role, Invitation.tenant_id, Invitation.hub_id)
        )
    ).all()
    for row in rows:
        await grant_membership(
            conn,
            user_id=user_id,
            organisation_id=organisation_id,
            role=Role(row.role),
            tenant_id=row.tenant_id,
            hub_id=row.hub_id,
            source="uitnodiging",
        )
    return len(rows)


async def apply_claim_mappings(
    conn: AsyncConnection,
    *,
    user_id: uuid.UUID,
    organisation_id: uuid.UUID,
    mappings: tuple[dict[str, Any], ...],
    claims: dict[str, Any],
) -> int:
    """Roles from the provider's claims, e.g. group ``zvh-regie`` → procesregisseur."""
    granted = 0
    for mapping in mappings:
        value = claims.get(str(mapping.get("claim", "")))
        values = value if isinstance(value, list) else [value]
        if mapping.get("value") not in values:
            continue
        tenant_id = None
        if tenant_slug := mapping.get("tenant"):
            tenant_id = (
                await conn.execute(select(Tenant.id).where(Tenant.slug == tenant_slug))
            ).scalar()
            if tenant_id is None:
                continue
        hub_id = None
        if hub_slug := mapping.get("hub"):
            hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub_slug))).scalar()
            if hub_id is None:
                continue
        await grant_membership(
            conn,
            user_id=user_id,
            organisation_id=organisation_id,
            role=Role(mapping["role"]),
            tenant_id=tenant_id,
            hub_id=hub_id,
            source="claim",
        )
        granted += 1
    return granted


async def deactivate_user(
    conn: AsyncConnection, user_id: uuid.UUID, *, actor: Actor | None = None
) -> int:
    """Switch a user off and end every session of theirs at once."""
    organisation_id = (
        await conn.execute(
            update(User)
            .where(User.id == user_id)
            .values(active=False)
            .returning(User.organisation_id)
        )
    ).scalar()
    ended = await end_sessions(conn, user_id=user_id, reason="gebruiker_uit")
    await record(
        conn,
        AuditAction.USER_DEACTIVATED,
        actor_user_id=actor.user_id if actor else None,
        organisation_id=organisation_id,
        target=str(user_id),
        details={"sessies_beeindigd": ended},
        ip=actor.ip if actor else "",
    )
    return ended
