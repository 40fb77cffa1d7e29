"""Switching an organisation off: what it would end (its users, their sessions and roles), the
refusals that keep the hub manageable (its own organisation, the last one with a hub admin),
and the deactivation itself, which ends every session of its users at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from casushub.platform.fouten import GeenToegang
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.models import (
    IdentitySession,
    Membership,
    Organisation,
    User,
)
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.identity.sessions import end_sessions, utcnow
from casushub.platform.models import Hub

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


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
