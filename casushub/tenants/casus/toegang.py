"""Need-to-know (rule 3): who may see a casus, checked by every service before it reads.

Municipality roles (regie, and the procesregisseur acting for it) see all of the tenant's
cases; a participant organisation sees the cases it takes part in; an invited party sees only
what a valid, accepted invitation puts in its scope (checked in ``uitnodigingen``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.tenants.casus.models import Casus, CasusDeelnemer
from casushub.tenants.casus.rules import DEELNEMER_ROL, REGIE_ROLLEN
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record

__all__ = [
    "controleer_casus_toegang",
    "deelnemende_casus_ids",
    "is_regie",
    "laad_casus",
    "log",
    "log_weigering",
    "vereis_regie",
]


def is_regie(actor: Actor) -> bool:
    return actor.role in REGIE_ROLLEN


def vereis_regie(actor: Actor) -> None:
    if not is_regie(actor):
        raise GeenToegang("Alleen de gemeente (regie) of de procesregisseur kan dit doen.")


async def log(
    session: AsyncSession,
    actor: Actor,
    actie: Actie,
    gegevensgroep: str,
    doel: str,
    *,
    casus_id: uuid.UUID | None = None,
    persoon_id: uuid.UUID | None = None,
    detail: str | None = None,
) -> None:
    await record(
        session,
        actor,
        actie=actie,
        gegevensgroep=gegevensgroep,
        doel=doel,
        casus_id=casus_id,
        persoon_id=persoon_id,
        detail=detail,
    )


async def log_weigering(
    session: AsyncSession,
    actor: Actor,
    *,
    gegevensgroep: str,
    casus_id: uuid.UUID | None,
    reden: str,
) -> None:
    """Record a refused access. Run it in its own transaction: the refused one rolls back."""
    await log(
        session,
        actor,
        Actie.READ,
        gegevensgroep,
        "toegang geweigerd",
        casus_id=casus_id,
        detail=f"geweigerd: {reden}"[:200],
    )


async def laad_casus(session: AsyncSession, casus_id: uuid.UUID) -> Casus:
    casus = await session.get(Casus, casus_id)
    if casus is None:
        raise NietGevonden("Deze casus bestaat niet (meer).")
    return casus


async def deelnemende_casus_ids(session: AsyncSession, organisatie_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.execute(
        select(CasusDeelnemer.casus_id).where(CasusDeelnemer.organisatie_id == organisatie_id)
    )
    return set(rows.scalars())


async def controleer_casus_toegang(
    session: AsyncSession, actor: Actor, casus: Casus, *, nu: datetime | None = None
) -> None:
    """Regie or a participant of this casus; invited parties go through their invitation."""
    if is_regie(actor):
        return
    if actor.role == DEELNEMER_ROL and actor.organisation_id is not None:
        taking_part = await session.scalar(
            select(CasusDeelnemer.id).where(
                CasusDeelnemer.casus_id == casus.id,
                CasusDeelnemer.organisatie_id == actor.organisation_id,
            )
        )
        if taking_part is not None:
            return
    raise GeenToegang("U neemt niet deel aan deze casus.")
