"""The hubs as the platform operator lists and edits them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.models import Hub

__all__ = ["alle_hubs", "hubrij", "wijzig_hub", "zet_contact"]


async def alle_hubs(conn: AsyncConnection) -> list[Any]:
    """Every hub (whole rows), by name."""
    return list((await conn.execute(select(Hub).order_by(Hub.name))).all())


async def hubrij(conn: AsyncConnection, hub_id: uuid.UUID) -> Any:
    """The hub's whole row, or None."""
    return (await conn.execute(select(Hub).where(Hub.id == hub_id))).first()


async def zet_contact(conn: AsyncConnection, hub_id: uuid.UUID, contact: str) -> None:
    """The hub's contact details (at most 300 characters)."""
    await conn.execute(update(Hub).where(Hub.id == hub_id).values(contact=contact[:300]))


async def wijzig_hub(
    conn: AsyncConnection, hub_id: uuid.UUID, naam: str, type: str, contact: str
) -> None:
    """Store the hub's name, kind and contact details (at most 300 characters)."""
    await conn.execute(
        update(Hub).where(Hub.id == hub_id).values(name=naam, type=type, contact=contact[:300])
    )
