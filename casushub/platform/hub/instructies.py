"""Instructions on handling these personal data, versioned per hub, and recorded training.

Before a user's first access to case data they accept the hub's current instructions; a new
version must be accepted again. The FG sees who accepted which version and when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform import klok
from casushub.platform.hub.models import Instructie, InstructieAcceptatie, Training
from casushub.platform.identity.models import User
from casushub.platform.models import Hub
from casushub.platform.registry import RegistryError

__all__ = [
    "accepteer",
    "geaccepteerd",
    "heeft_geaccepteerd",
    "huidige",
    "leg_training_vast",
    "publiceer",
    "trainingen",
    "versies",
]


async def publiceer(
    conn: AsyncConnection, hub_id: uuid.UUID, tekst: str, door: uuid.UUID | None
) -> int:
    tekst = tekst.strip()
    if len(tekst) < 20:
        msg = "Schrijf de instructie uit (minstens 20 tekens)."
        raise RegistryError(msg, "tekst")
    # Lock the hub row so two admins publishing at once get consecutive versions.
    await conn.execute(select(Hub.id).where(Hub.id == hub_id).with_for_update())
    versie = (
        await conn.execute(
            select(func.coalesce(func.max(Instructie.versie), 0) + 1).where(
                Instructie.hub_id == hub_id
            )
        )
    ).scalar_one()
    await conn.execute(
        insert(Instructie).values(hub_id=hub_id, versie=versie, tekst=tekst, gepubliceerd_door=door)
    )
    return int(versie)


async def versies(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The hub's published versions (versie, created_at), newest first."""
    rows = await conn.execute(
        select(Instructie.versie, Instructie.created_at)
        .where(Instructie.hub_id == hub_id)
        .order_by(Instructie.versie.desc())
    )
    return list(rows.all())


@dataclass(frozen=True)
class Versie:
    id: uuid.UUID
    versie: int
    tekst: str


_HUIDIGE = (
    select(Instructie.id, Instructie.versie, Instructie.tekst)
    .where(Instructie.hub_id == bindparam("hub_id"))
    .order_by(Instructie.versie.desc())
    .limit(1)
)


def geaccepteerd(hub_id: Any, user_id: Any) -> ColumnElement[bool]:
    """True when the user accepted the hub's current version of the instructions, or the hub
    has published none yet; checked before every access to case data.

    An expression, so that the tenant gate can read it in the same statement as the tenant
    (``casushub.platform.identity.access.tenant_gate``).
    """
    huidige_id = (
        select(Instructie.id)
        .where(Instructie.hub_id == hub_id)
        .order_by(Instructie.versie.desc())
        .limit(1)
        .scalar_subquery()
    )
    return or_(
        huidige_id.is_(None),
        exists().where(
            InstructieAcceptatie.instructie_id == huidige_id,
            InstructieAcceptatie.user_id == user_id,
        ),
    )


async def huidige(conn: AsyncConnection, hub_id: uuid.UUID) -> Versie | None:
    row = (await conn.execute(_HUIDIGE, {"hub_id": hub_id})).first()
    return Versie(*row) if row else None


async def heeft_geaccepteerd(conn: AsyncConnection, hub_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """:func:`geaccepteerd` for one hub and user."""
    return bool((await conn.execute(select(geaccepteerd(hub_id, user_id)))).scalar_one())


async def accepteer(
    conn: AsyncConnection, hub_id: uuid.UUID, user_id: uuid.UUID, versie: int
) -> None:
    instructie = await huidige(conn, hub_id)
    if instructie is None or instructie.versie != versie:
        msg = "Er is intussen een nieuwere versie van de instructie: lees die eerst."
        raise RegistryError(msg, "versie")
    await conn.execute(
        pg_insert(InstructieAcceptatie)
        .values(user_id=user_id, instructie_id=instructie.id)
        .on_conflict_do_nothing()
    )


@dataclass(frozen=True)
class Acceptatie:
    naam: str
    email: str
    versie: int
    geaccepteerd_op: datetime


async def acceptaties(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Acceptatie]:
    rows = await conn.execute(
        select(User.name, User.email, Instructie.versie, InstructieAcceptatie.geaccepteerd_op)
        .join(InstructieAcceptatie, InstructieAcceptatie.user_id == User.id)
        .join(Instructie, Instructie.id == InstructieAcceptatie.instructie_id)
        .where(Instructie.hub_id == hub_id)
        .order_by(InstructieAcceptatie.geaccepteerd_op.desc(), Instructie.versie.desc())
    )
    return [Acceptatie(*row) for row in rows]


async def leg_training_vast(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    user_id: uuid.UUID,
    datum: date,
    omschrijving: str,
    door: uuid.UUID | None,
) -> None:
    if not omschrijving.strip():
        msg = "Beschrijf de gevolgde training."
        raise RegistryError(msg, "omschrijving")
    if datum > klok.vandaag():
        msg = "Een training kan niet in de toekomst gevolgd zijn."
        raise RegistryError(msg, "datum")
    await conn.execute(
        insert(Training).values(
            user_id=user_id,
            hub_id=hub_id,
            datum=datum,
            omschrijving=omschrijving.strip()[:300],
            vastgelegd_door=door,
        )
    )


async def trainingen(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The training recorded on the hub (name, datum, omschrijving), newest first."""
    rows = await conn.execute(
        select(User.name, Training.datum, Training.omschrijving)
        .join(User, User.id == Training.user_id)
        .where(Training.hub_id == hub_id)
        .order_by(Training.datum.desc())
    )
    return list(rows.all())
