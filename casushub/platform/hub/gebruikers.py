"""The users of a hub's organisations, their roles and open invitations, as the hub admin
manages them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.hub.gemeenten import alle_gemeenten, eigen_gemeenten
from casushub.platform.hub.organisaties import actieve_organisaties
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import Invitation, Membership, Organisation, User
from casushub.platform.identity.organisations import domain_of
from casushub.platform.identity.roles import (
    HUB_STAFF_ROLES,
    ROLE_LABELS,
    TENANT_ROLES,
    OrganisationType,
    Role,
)
from casushub.platform.models import Tenant

__all__ = [
    "Gebruikersoverzicht",
    "actieve_gebruikers",
    "gebruiker_met_hub",
    "gebruiker_van_hub",
    "gebruikers_per_rol",
    "gebruikersoverzicht",
    "nodig_uit",
    "open_uitnodiging",
    "trek_uitnodiging_in",
    "verleng_uitnodiging",
]


async def nodig_uit(
    engine: AsyncEngine,
    hub_id: uuid.UUID,
    door: uuid.UUID | None,
    organisation_id: uuid.UUID,
    email: str,
    rol: str,
    gemeente_ids: list[uuid.UUID],
) -> dict[str, str]:
    """Invite into one of the hub's organisations, with the role in each chosen municipality
    (or hub-wide); returns Dutch errors per field (nothing is saved when there is any)."""
    fouten: dict[str, str] = {}
    try:
        role = Role(rol)
    except ValueError:
        return {"rol": "Kies een rol."}
    if role == Role.PLATFORM_OPERATOR:
        return {"rol": "Een hubbeheerder kan geen platformbeheerder aanwijzen."}
    async with engine.begin() as conn:
        org = (
            await conn.execute(
                select(Organisation.type, Organisation.email_domains).where(
                    Organisation.id == organisation_id, Organisation.hub_id == hub_id
                )
            )
        ).first()
        if org is None:
            return {"organisatie": "Kies een organisatie van deze hub."}
        domein = domain_of(email)
        if domein is None:
            fouten["email"] = "Vul een geldig e-mailadres in."
        elif domein not in org.email_domains:
            fouten["email"] = "Het e-mailadres hoort niet bij een domein van deze organisatie."
        if role in TENANT_ROLES:
            if org.type == OrganisationType.HUB.value:
                # The hub is the processor: its staff reach case data only via the municipality.
                fouten["rol"] = (
                    "Medewerkers van de hub krijgen toegang tot casusgegevens alleen via "
                    "de gemeente."
                )
            eigen = await eigen_gemeenten(conn, hub_id, gemeente_ids)
            if not gemeente_ids or eigen != set(gemeente_ids):
                fouten["gemeenten"] = "Kies een of meer gemeenten van deze hub voor deze rol."
        elif role not in HUB_STAFF_ROLES:
            fouten["rol"] = "Kies een rol."
        if fouten:
            return fouten
        for tenant_id in gemeente_ids if role in TENANT_ROLES else [None]:
            await invite(
                conn,
                organisation_id=organisation_id,
                email=email,
                role=role,
                tenant_id=tenant_id,
                hub_id=None if tenant_id else hub_id,
                invited_by=door,
            )
    return {}


@dataclass(frozen=True)
class Gebruikersoverzicht:
    gebruikers: list[Any]  # id, name, email, active, last_login_at, organisatie
    rollen: dict[uuid.UUID, list[str]]  # per user: "Rol (Gemeente)"
    uitnodigingen: list[Any]  # id, email, role, expires_at, organisatie, gemeente
    organisaties: list[tuple[uuid.UUID, str]]  # the active ones to invite into: (id, name)
    gemeenten: list[Any]  # whole rows, read like a Tenant


async def gebruikersoverzicht(
    conn: AsyncConnection, hub_id: uuid.UUID, organisation_id: uuid.UUID | None = None
) -> Gebruikersoverzicht:
    """The hub's users (of one of its organisations if given) with their roles, the open
    invitations, and what an invitation can be for."""
    query = (
        select(
            User.id,
            User.name,
            User.email,
            User.active,
            User.last_login_at,
            Organisation.name.label("organisatie"),
        )
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.hub_id == hub_id)
        .order_by(Organisation.name, User.name)
    )
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    users = list((await conn.execute(query)).all())
    rollen = (
        await conn.execute(
            select(Membership.user_id, Membership.role, Tenant.name)
            .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id.in_([u.id for u in users]))
        )
    ).all()
    uitnodigingen = await conn.execute(
        select(
            Invitation.id,
            Invitation.email,
            Invitation.role,
            Invitation.expires_at,
            Organisation.name.label("organisatie"),
            Tenant.name.label("gemeente"),
        )
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Tenant, Tenant.id == Invitation.tenant_id)
        .where(Organisation.hub_id == hub_id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc())
    )
    uitnodigingen_lijst = list(uitnodigingen.all())
    per_user: dict[uuid.UUID, list[str]] = {}
    for r in rollen:
        per_user.setdefault(r.user_id, []).append(
            ROLE_LABELS[Role(r.role)] + (f" ({r.name})" if r.name else "")
        )
    return Gebruikersoverzicht(
        gebruikers=users,
        rollen=per_user,
        uitnodigingen=uitnodigingen_lijst,
        organisaties=[(o.id, o.name) for o in await actieve_organisaties(conn, hub_id)],
        gemeenten=await alle_gemeenten(conn, hub_id),
    )


async def gebruiker_van_hub(conn: AsyncConnection, hub_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the user belongs to one of the hub's organisations."""
    row = (
        await conn.execute(
            select(User.id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id, Organisation.hub_id == hub_id)
        )
    ).first()
    return row is not None


async def gebruiker_met_hub(conn: AsyncConnection, user_id: uuid.UUID) -> Any:
    """The user (id, email) with the hub of their organisation (hub_id), or None."""
    return (
        await conn.execute(
            select(User.id, User.email, Organisation.hub_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id)
        )
    ).first()


async def actieve_gebruikers(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The active users of the hub's organisations (id, name, email), by name."""
    rows = await conn.execute(
        select(User.id, User.name, User.email)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.hub_id == hub_id, User.active.is_(True))
        .order_by(User.name)
    )
    return list(rows.all())


async def gebruikers_per_rol(conn: AsyncConnection, tenant_id: uuid.UUID) -> dict[str, int]:
    """How many users hold each role in the municipality."""
    rows = await conn.execute(
        select(Membership.role, func.count(func.distinct(Membership.user_id)))
        .where(Membership.tenant_id == tenant_id)
        .group_by(Membership.role)
    )
    return {role: int(aantal) for role, aantal in rows}


async def open_uitnodiging(conn: AsyncConnection, invitation_id: uuid.UUID) -> Any:
    """An invitation not yet used (email, hub_id, organisation_id), or None; the caller
    checks its hub."""
    return (
        await conn.execute(
            select(Invitation.email, Organisation.hub_id, Invitation.organisation_id)
            .join(Organisation, Organisation.id == Invitation.organisation_id)
            .where(Invitation.id == invitation_id, Invitation.accepted_at.is_(None))
        )
    ).first()


async def verleng_uitnodiging(conn: AsyncConnection, invitation_id: uuid.UUID) -> None:
    """A resent invitation is valid for another 30 days from now."""
    await conn.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id)
        .values(expires_at=datetime.now(UTC) + timedelta(days=30))
    )


async def trek_uitnodiging_in(conn: AsyncConnection, invitation_id: uuid.UUID) -> None:
    """The invitation can no longer be used."""
    await conn.execute(delete(Invitation).where(Invitation.id == invitation_id))
