"""What the admin API (``/api/v1``) reads and changes on the platform, always within one hub:
its municipalities, its organisations (with their sign-in provider) and their users.

An object of another hub is not found here (None), exactly as an unknown id.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.gebruikers import gebruiker_van_hub
from casushub.platform.hub.organisaties import activeer
from casushub.platform.identity.deactivation import deactivate_organisation
from casushub.platform.identity.memberships import deactivate_user
from casushub.platform.identity.models import Membership, OidcProvider, Organisation, User
from casushub.platform.models import Tenant

__all__ = [
    "gebruikers_van_hub",
    "gemeente_van_hub",
    "organisatie_van_hub",
    "schakel_gebruiker_uit",
    "wijzig_organisatie",
]


async def gemeente_van_hub(conn: AsyncConnection, hub_id: uuid.UUID, tenant_id: uuid.UUID) -> Any:
    """The municipality's row (read like a ``Tenant``), or None when it is not of this hub."""
    return (
        await conn.execute(select(Tenant).where(Tenant.id == tenant_id, Tenant.hub_id == hub_id))
    ).first()


async def organisatie_van_hub(
    conn: AsyncConnection, hub_id: uuid.UUID, organisation_id: uuid.UUID
) -> tuple[Any, Any] | None:
    """The organisation's row and its provider's row (None when it has none yet), or None
    when the organisation is not of this hub. The provider row holds the encrypted secret:
    never show it."""
    org = (
        await conn.execute(
            select(Organisation).where(
                Organisation.id == organisation_id, Organisation.hub_id == hub_id
            )
        )
    ).first()
    if org is None:
        return None
    provider = (
        await conn.execute(
            select(OidcProvider).where(OidcProvider.organisation_id == organisation_id)
        )
    ).first()
    return org, provider


async def wijzig_organisatie(
    conn: AsyncConnection,
    organisation_id: uuid.UUID,
    *,
    actief: bool | None = None,
    naam: str | None = None,
) -> None:
    """Switch the organisation on or off (``None``: as it is) and rename it (a blank or
    ``None`` name keeps the old one; at most 200 characters are kept).

    Switching off comes first and raises ``DeactivationRefused`` when it would lock the hub
    out; run this in one transaction, so that a refusal leaves the name unchanged as well.
    """
    if actief is False:
        await deactivate_organisation(conn, organisation_id)
    elif actief is True:
        await activeer(conn, organisation_id)
    if naam is not None and naam.strip():
        await conn.execute(
            update(Organisation)
            .where(Organisation.id == organisation_id)
            .values(name=naam.strip()[:200])
        )


async def gebruikers_van_hub(
    conn: AsyncConnection, hub_id: uuid.UUID
) -> list[tuple[Any, list[Any]]]:
    """The users of the hub's organisations, by name: each user's row (id, name, email,
    active, last_login_at and their organisation's slug) with the rows of their roles
    (role, tenant_id; no tenant_id for a role in the hub)."""
    rows = (
        await conn.execute(
            select(
                User.id,
                User.name,
                User.email,
                User.active,
                User.last_login_at,
                Organisation.slug,
            )
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(Organisation.hub_id == hub_id)
            .order_by(User.name)
        )
    ).all()
    rollen = (
        await conn.execute(
            select(Membership.user_id, Membership.role, Membership.tenant_id).where(
                Membership.user_id.in_([r.id for r in rows])
            )
        )
    ).all()
    per_user: dict[uuid.UUID, list[Any]] = {}
    for m in rollen:
        per_user.setdefault(m.user_id, []).append(m)
    return [(r, per_user.get(r.id, [])) for r in rows]


async def schakel_gebruiker_uit(
    conn: AsyncConnection, hub_id: uuid.UUID, user_id: uuid.UUID
) -> int | None:
    """Switch off a user of one of the hub's organisations and end their sessions: how many
    sessions ended, or None (and nothing changed) when the user is not of this hub."""
    if not await gebruiker_van_hub(conn, hub_id, user_id):
        return None
    return await deactivate_user(conn, user_id)
