"""Periodic authorisation review: an organisation's own admin confirms who has access.

The confirmation is logged in the admin audit log; the next review date follows from the
configured interval, and the scheduler reminds the admin when it has passed.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.models import AutorisatieReview
from casushub.platform.identity import audit
from casushub.platform.identity.models import Membership, User
from casushub.platform.identity.roles import Role

__all__ = ["bevestig", "laatste_review", "review_herinneringen", "reviews_verlopen"]


async def bevestig(
    conn: AsyncConnection,
    organisation_id: uuid.UUID,
    door: uuid.UUID,
    vandaag: date,
    interval_dagen: int,
) -> date:
    aantal = (
        await conn.execute(
            select(func.count(func.distinct(Membership.user_id)))
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id == organisation_id, User.active.is_(True))
        )
    ).scalar_one()
    volgende = vandaag + timedelta(days=interval_dagen)
    await conn.execute(
        insert(AutorisatieReview).values(
            organisation_id=organisation_id,
            bevestigd_door=door,
            volgende_op=volgende,
            aantal_gebruikers=aantal,
        )
    )
    await audit.record(
        conn,
        "autorisaties_bevestigd",
        actor_user_id=door,
        organisation_id=organisation_id,
        details={"gebruikers": aantal, "volgende_review": volgende.isoformat()},
    )
    return volgende


async def laatste_review(conn: AsyncConnection, organisation_id: uuid.UUID) -> Any:
    """The organisation's latest review (bevestigd_op, volgende_op), or None."""
    return (
        await conn.execute(
            select(AutorisatieReview.bevestigd_op, AutorisatieReview.volgende_op)
            .where(AutorisatieReview.organisation_id == organisation_id)
            .order_by(AutorisatieReview.bevestigd_op.desc())
            .limit(1)
        )
    ).first()


async def reviews_verlopen(conn: AsyncConnection, vandaag: date) -> list[uuid.UUID]:
    """Organisations whose latest review is due (for the scheduler's reminder)."""
    laatste = (
        select(
            AutorisatieReview.organisation_id,
            func.max(AutorisatieReview.volgende_op).label("volgende_op"),
        )
        .group_by(AutorisatieReview.organisation_id)
        .subquery()
    )
    rows = await conn.execute(
        select(laatste.c.organisation_id).where(laatste.c.volgende_op <= vandaag)
    )
    return list(rows.scalars())


async def review_herinneringen(conn: AsyncConnection, vandaag: date) -> list[str]:
    """E-mail addresses of the admins of every organisation whose review is due.

    An organisation's own admin is a user of that organisation holding a hub admin
    membership through it.
    """
    verlopen = await reviews_verlopen(conn, vandaag)
    if not verlopen:
        return []
    rows = await conn.execute(
        select(func.distinct(User.email))
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.organisation_id.in_(verlopen),
            Membership.organisation_id == User.organisation_id,
            Membership.role == Role.HUB_ADMIN.value,
            User.active.is_(True),
            User.email != "",
        )
    )
    return sorted(rows.scalars())
