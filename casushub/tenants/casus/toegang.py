"""Need-to-know (rule 3): who may see a casus, checked by every service before it reads.

Municipality roles (regie, and the procesregisseur acting for it) see all of the tenant's
cases; a participant organisation sees the cases it takes part in; an invited party sees only
what a valid, accepted invitation puts in its scope (checked in ``uitnodigingen``).

Signals come before any casus: only the weegploeg (regie and the kernpartijen politie and OM)
sees them and the persons they name. Every other actor sees a person only through a casus it
takes part in (:func:`zichtbare_personen`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, event, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.tenants.casus.models import Casus, CasusDeelnemer
from casushub.tenants.casus.rules import DEELNEMER_ROL, REGIE_ROLLEN
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.weging.rules import KERNPARTIJEN

__all__ = [
    "controleer_casus_toegang",
    "deelnemende_casus_ids",
    "is_regie",
    "laad_casus",
    "laad_toegankelijke_casus",
    "log",
    "log_weigering",
    "vereis_regie",
    "vereis_weegploeg",
    "weegt_mee",
    "zichtbare_casussen",
    "zichtbare_personen",
]


def is_regie(actor: Actor) -> bool:
    return actor.role in REGIE_ROLLEN


def vereis_regie(actor: Actor) -> None:
    if not is_regie(actor):
        raise GeenToegang("Alleen de gemeente (regie) of de procesregisseur kan dit doen.")


def weegt_mee(actor: Actor) -> bool:
    """Regie, or a participant of a kernpartij (gemeente, politie, OM): the weegploeg.

    Reclassering, the Raad voor de Kinderbescherming and JenV weigh no signals, so they see a
    person only once they take part in a casus about that person.
    """
    return is_regie(actor) or (
        actor.role == DEELNEMER_ROL and actor.organisation_type in KERNPARTIJEN
    )


def vereis_weegploeg(actor: Actor) -> None:
    if not weegt_mee(actor):
        raise GeenToegang(
            "Alleen de weegploeg (gemeente, politie en Openbaar Ministerie) ziet en weegt signalen."
        )


def zichtbare_casussen(actor: Actor, organisatie_id: Any = None) -> ColumnElement[bool]:
    """A condition on ``Casus.id``: the casussen ``actor`` may see (rule 3), in SQL.

    ``organisatie_id`` replaces the actor's organisation by an expression (a bound parameter
    in a statement built once for every actor of a kind).
    """
    if is_regie(actor):
        return true()
    if actor.role != DEELNEMER_ROL or actor.organisation_id is None:
        return false()
    organisatie = actor.organisation_id if organisatie_id is None else organisatie_id
    return Casus.id.in_(
        select(CasusDeelnemer.casus_id).where(CasusDeelnemer.organisatie_id == organisatie)
    )


def zichtbare_personen(actor: Actor, organisatie_id: Any = None) -> ColumnElement[bool]:
    """A condition on ``Persoon.id``: the persons ``actor`` may see.

    Regie all of them; a participant the persons of the casussen it takes part in (the
    persons of signals it weighs come in through the signal queue, not through this); anyone
    else none.
    """
    if is_regie(actor):
        return true()
    if actor.role != DEELNEMER_ROL or actor.organisation_id is None:
        return false()
    return Persoon.id.in_(select(Casus.persoon_id).where(zichtbare_casussen(actor, organisatie_id)))


# What a service processed, in the verwerkingenlog: the log's own append under the name the
# services have always called (actie, gegevensgroep and doel may be given in order).
log = record


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
    # The identity map holds objects weakly: a casus no caller still holds would be read again
    # by the next service that checks it. Held until the transaction ends, the casus page's
    # four checks read it once.
    session.info.setdefault(_VASTGEHOUDEN, {})[casus_id] = casus
    return casus


_VASTGEHOUDEN = "casus_vastgehouden"


@event.listens_for(Session, "after_transaction_end")
def _laat_los(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VASTGEHOUDEN, None)


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


async def laad_toegankelijke_casus(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> Casus:
    """The casus, once :func:`controleer_casus_toegang` lets ``actor`` see it."""
    casus = await laad_casus(session, casus_id)
    await controleer_casus_toegang(session, actor, casus)
    return casus
