"""The tenant's own retention periods (editable, each change with its reason) and legal holds.

A legal hold (juridische blokkade) is on a person: a pending data-subject request, an
objection, a complaint at the Autoriteit Persoonsgegevens or a court case suspends the
destruction of everything about them until it is lifted. Setting and lifting are kept in the
hold's own row (who, when, why) and logged in the access log.

A changed period applies to closures and wegingen from then on: destruction dates already
computed stay as they are, so a shorter period never destroys records earlier than announced.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import (
    Bewaartermijn,
    Blokkadegrond,
    JuridischeBlokkade,
)
from casushub.tenants.bewaartermijnen.rules import (
    KINDS,
    MAX_YEARS,
    MIN_YEARS,
    RULES,
    param_key,
)
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.rules import REGIE_ROLLEN
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record

__all__ = [
    "GRONDEN",
    "actieve_blokkades",
    "bewaarparameters",
    "blokkadegeschiedenis",
    "geblokkeerde_casussen",
    "geblokkeerde_personen",
    "hef_blokkade_op",
    "lees_blokkade",
    "parametergeschiedenis",
    "stel_blokkade_in",
    "wijzig_bewaartermijn",
]

_GEGEVENSGROEP = "juridische_blokkade"


def _vereis_regie(actor: Actor) -> None:
    if actor.role not in REGIE_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) kan bewaartermijnen en blokkades beheren.")


def _reden(reden: str, field: str = "reden") -> str:
    reden = reden.strip()
    if not reden:
        raise RegelFout("Geef de reden op; die wordt bij de wijziging bewaard.", field)
    if len(reden) > 2000:
        raise RegelFout("Houd de reden korter dan 2000 tekens.", field)
    return reden


async def bewaarparameters(session: AsyncSession) -> dict[str, int]:
    """The tenant's own periods (years per parameter key), newest change per key.

    Pass the result to ``rules.destroy_on``; keys the tenant never changed fall back to the
    (placeholder) defaults there.
    """
    newest = (
        select(Bewaartermijn.sleutel, func.max(Bewaartermijn.tijdstip).label("tijdstip"))
        .group_by(Bewaartermijn.sleutel)
        .subquery()
    )
    rows = await session.execute(
        select(Bewaartermijn.sleutel, Bewaartermijn.jaren).join(
            newest,
            (newest.c.sleutel == Bewaartermijn.sleutel)
            & (newest.c.tijdstip == Bewaartermijn.tijdstip),
        )
    )
    return {row.sleutel: row.jaren for row in rows}


async def parametergeschiedenis(
    session: AsyncSession, sleutel: str | None = None
) -> list[Bewaartermijn]:
    query = select(Bewaartermijn).order_by(Bewaartermijn.tijdstip.desc())
    if sleutel is not None:
        query = query.where(Bewaartermijn.sleutel == sleutel)
    return list((await session.execute(query)).scalars())


async def wijzig_bewaartermijn(
    session: AsyncSession,
    actor: Actor,
    *,
    soort: str,
    uitkomst: str | None,
    jaren: int,
    reden: str,
) -> Bewaartermijn:
    """Set the tenant's period for ``soort`` (and ``uitkomst``) with a recorded reason."""
    _vereis_regie(actor)
    if soort not in KINDS:
        raise RegelFout("Kies casus, signaal of verwerkingenlog.", "soort")
    sleutel = param_key(soort, uitkomst or None)
    if sleutel not in RULES and soort not in RULES:
        raise RegelFout(f"Voor {sleutel!r} bestaat geen bewaarregel.", "uitkomst")
    lowest = MIN_YEARS.get(soort, 0)
    if not lowest <= jaren <= MAX_YEARS:
        raise RegelFout(f"Kies een termijn van {lowest} tot {MAX_YEARS} jaar.", "jaren")
    wijziging = Bewaartermijn(
        sleutel=sleutel,
        jaren=jaren,
        reden=_reden(reden),
        user_id=actor.user_id,
        organisation_id=actor.organisation_id,
        tijdstip=datetime.now(UTC),
    )
    session.add(wijziging)
    await session.flush()
    return wijziging


GRONDEN: dict[str, str] = {
    Blokkadegrond.VERZOEK.value: "lopend verzoek van de betrokkene",
    Blokkadegrond.BEZWAAR.value: "bezwaar",
    Blokkadegrond.KLACHT_AP.value: "klacht bij de Autoriteit Persoonsgegevens",
    Blokkadegrond.RECHTSZAAK.value: "rechtszaak",
    Blokkadegrond.BEPERKING.value: "beperking van de verwerking (art. 18 AVG)",
}
"""Each ground in words, for screens and the dry run."""


async def _zet_casusvlag(session: AsyncSession, casus_id: uuid.UUID) -> None:
    """The casus's ``legal_hold`` flag follows its open casus holds (the sweep reads it)."""
    casus = await session.get(Casus, casus_id, with_for_update=True)
    if casus is None:
        raise NietGevonden("Deze casus bestaat niet (meer).")
    open_hold = await session.scalar(
        select(JuridischeBlokkade.id)
        .where(
            JuridischeBlokkade.casus_id == casus_id,
            JuridischeBlokkade.opgeheven_op.is_(None),
        )
        .limit(1)
    )
    casus.legal_hold = open_hold is not None
    await session.flush()


async def stel_blokkade_in(
    session: AsyncSession,
    actor: Actor,
    persoon_id: uuid.UUID,
    *,
    grond: Blokkadegrond | str,
    reden: str,
    verzoek_id: uuid.UUID | None = None,
    casus_id: uuid.UUID | None = None,
) -> JuridischeBlokkade:
    """Suspend destruction of everything about ``persoon_id`` (or of ``casus_id`` only)
    until the hold is lifted."""
    _vereis_regie(actor)
    try:
        grond = Blokkadegrond(grond)
    except ValueError:
        raise RegelFout(
            "Kies een grond: verzoek, bezwaar, klacht bij de AP, rechtszaak of beperking.",
            "grond",
        ) from None
    blokkade = JuridischeBlokkade(
        persoon_id=persoon_id,
        casus_id=casus_id,
        grond=grond.value,
        reden=_reden(reden),
        verzoek_id=verzoek_id,
        ingesteld_op=datetime.now(UTC),
        ingesteld_door=actor.user_id,
    )
    session.add(blokkade)
    await session.flush()
    if casus_id is not None:
        await _zet_casusvlag(session, casus_id)
    await record(
        session,
        actor,
        actie=Actie.CREATE,
        gegevensgroep=_GEGEVENSGROEP,
        doel="vernietiging opschorten",
        persoon_id=persoon_id,
        casus_id=casus_id,
        detail=f"blokkade:{blokkade.id} grond:{grond.value}",
    )
    return blokkade


async def hef_blokkade_op(
    session: AsyncSession, actor: Actor, blokkade_id: uuid.UUID, *, reden: str
) -> JuridischeBlokkade:
    """Lift a hold; destruction of the person's data resumes at the next sweep."""
    _vereis_regie(actor)
    blokkade = await session.get(JuridischeBlokkade, blokkade_id, with_for_update=True)
    if blokkade is None:
        raise NietGevonden("Deze blokkade bestaat niet (meer).")
    if blokkade.opgeheven_op is not None:
        raise RegelFout("Deze blokkade is al opgeheven.", "blokkade")
    blokkade.reden_opheffing = _reden(reden)
    blokkade.opgeheven_op = datetime.now(UTC)
    blokkade.opgeheven_door = actor.user_id
    await session.flush()
    if blokkade.casus_id is not None:
        await _zet_casusvlag(session, blokkade.casus_id)
    await record(
        session,
        actor,
        actie=Actie.UPDATE,
        gegevensgroep=_GEGEVENSGROEP,
        doel="vernietiging hervatten",
        persoon_id=blokkade.persoon_id,
        casus_id=blokkade.casus_id,
        detail=f"blokkade:{blokkade.id} opgeheven",
    )
    return blokkade


async def actieve_blokkades(
    session: AsyncSession, persoon_id: uuid.UUID, *, casus_id: uuid.UUID | None = None
) -> list[JuridischeBlokkade]:
    """Open holds on the person; with ``casus_id`` also the open holds on that casus."""
    scope: ColumnElement[bool] = JuridischeBlokkade.casus_id.is_(None)
    if casus_id is not None:
        scope = scope | (JuridischeBlokkade.casus_id == casus_id)
    query = (
        select(JuridischeBlokkade)
        .where(
            JuridischeBlokkade.persoon_id == persoon_id,
            JuridischeBlokkade.opgeheven_op.is_(None),
            scope,
        )
        .order_by(JuridischeBlokkade.ingesteld_op)
    )
    return list((await session.execute(query)).scalars())


async def blokkadegeschiedenis(
    session: AsyncSession, persoon_id: uuid.UUID, casus_id: uuid.UUID
) -> list[JuridischeBlokkade]:
    """Every hold on the person or this casus, lifted ones included, newest first."""
    query = (
        select(JuridischeBlokkade)
        .where(
            JuridischeBlokkade.persoon_id == persoon_id,
            JuridischeBlokkade.casus_id.is_(None) | (JuridischeBlokkade.casus_id == casus_id),
        )
        .order_by(JuridischeBlokkade.ingesteld_op.desc())
    )
    return list((await session.execute(query)).scalars())


def _gronden(codes: Iterable[str]) -> str:
    return ", ".join(sorted(GRONDEN.get(code, code) for code in set(codes)))


async def _gronden_per(
    session: AsyncSession,
    sleutel: InstrumentedAttribute[Any],
    ids: Iterable[uuid.UUID],
    *voorwaarden: ColumnElement[bool],
) -> dict[uuid.UUID, str]:
    """For each of ``ids`` (values of ``sleutel``) with an open hold: its ground(s) in words."""
    gezocht = set(ids)
    if not gezocht:
        return {}
    rows = await session.execute(
        select(sleutel, JuridischeBlokkade.grond).where(
            sleutel.in_(gezocht), JuridischeBlokkade.opgeheven_op.is_(None), *voorwaarden
        )
    )
    found: dict[uuid.UUID, set[str]] = {}
    for sleutelwaarde, grond in rows:
        if sleutelwaarde is not None:
            found.setdefault(sleutelwaarde, set()).add(grond)
    return {waarde: _gronden(gronden) for waarde, gronden in found.items()}


async def geblokkeerde_personen(
    session: AsyncSession, persoon_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """For each person with an open hold on the person: its ground(s) in words."""
    return await _gronden_per(
        session,
        JuridischeBlokkade.persoon_id,
        persoon_ids,
        JuridischeBlokkade.casus_id.is_(None),
    )


async def geblokkeerde_casussen(
    session: AsyncSession, casus_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """For each casus with an open hold on that casus: its ground(s) in words."""
    return await _gronden_per(session, JuridischeBlokkade.casus_id, casus_ids)


async def lees_blokkade(session: AsyncSession, blokkade_id: uuid.UUID) -> JuridischeBlokkade | None:
    """A legal hold by its id, if it exists."""
    return await session.get(JuridischeBlokkade, blokkade_id)
