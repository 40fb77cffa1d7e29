"""The hub admin's werkruimte counts: municipalities, go-live progress, organisations, users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casushub.platform.hub.checklist import voortgang
from casushub.platform.identity.models import Invitation, Organisation, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["HubWerkvoorraad", "hub_werkvoorraad"]


@dataclass(frozen=True, slots=True)
class HubWerkvoorraad:
    gemeenten: int
    in_implementatie: int
    organisaties: int
    gebruikers: int
    open_uitnodigingen: int


async def hub_werkvoorraad(conn: AsyncConnection, hub_id: uuid.UUID) -> HubWerkvoorraad:
    gemeenten = await voortgang(conn, hub_id)
    organisaties = await conn.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.hub_id == hub_id)
    )
    gebruikers = await conn.scalar(
        select(func.count())
        .select_from(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.hub_id == hub_id, User.active.is_(True))
    )
    uitnodigingen = await conn.scalar(
        select(func.count())
        .select_from(Invitation)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .where(
            Organisation.hub_id == hub_id,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > datetime.now(UTC),
        )
    )
    return HubWerkvoorraad(
        gemeenten=len(gemeenten),
        in_implementatie=sum(1 for g in gemeenten if not g.live),
        organisaties=int(organisaties or 0),
        gebruikers=int(gebruikers or 0),
        open_uitnodigingen=int(uitnodigingen or 0),
    )
