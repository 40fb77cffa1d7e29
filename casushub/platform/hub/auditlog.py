"""The hub admin's view of the admin audit log: this hub's entries, filtered."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.identity.models import AdminAuditEntry, Organisation, User
from casushub.platform.models import Tenant
from casushub.platform.zoeken import bevat

__all__ = ["auditregels"]


async def auditregels(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    *,
    wie: str = "",
    wat: str = "",
    vanaf: date | None = None,
    tot_en_met: date | None = None,
    limiet: int = 200,
) -> list[Any]:
    """The hub's audit entries (the entry, actor_naam, actor_email), newest first: ``wie`` in
    the actor's name or e-mail, ``wat`` in the action, between the dates (both included)."""
    hub_orgs = select(Organisation.id).where(Organisation.hub_id == hub_id)
    hub_users = select(User.id).where(User.organisation_id.in_(hub_orgs))
    hub_slugs = select(Tenant.slug).where(Tenant.hub_id == hub_id)
    # Only this hub's entries: its organisations, its users' actions, its municipalities.
    query = (
        select(AdminAuditEntry, User.name.label("actor_naam"), User.email.label("actor_email"))
        .outerjoin(User, User.id == AdminAuditEntry.actor_user_id)
        .where(
            or_(
                AdminAuditEntry.organisation_id.in_(hub_orgs),
                AdminAuditEntry.actor_user_id.in_(hub_users),
                AdminAuditEntry.target.in_(hub_slugs),
            )
        )
    )
    if wie.strip():
        query = query.where(or_(bevat(User.name, wie.strip()), bevat(User.email, wie.strip())))
    if wat.strip():
        query = query.where(bevat(AdminAuditEntry.action, wat.strip()))
    if vanaf:
        query = query.where(
            AdminAuditEntry.occurred_at >= datetime.combine(vanaf, time.min, tzinfo=UTC)
        )
    if tot_en_met:
        query = query.where(
            AdminAuditEntry.occurred_at
            < datetime.combine(tot_en_met + timedelta(days=1), time.min, tzinfo=UTC)
        )
    rows = await conn.execute(query.order_by(AdminAuditEntry.occurred_at.desc()).limit(limiet))
    return list(rows.all())
