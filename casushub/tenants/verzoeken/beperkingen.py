"""Restricted inzage: a participant withholds one of its own items from inzage on a legal ground
until a review date; unconfirmed restrictions lapse on that date and the item shows again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.klok import vandaag
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import bronnen
from casushub.tenants.verzoeken.models import InzageBeperking
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
    Beperkingsstatus,
    VerzoekRegelFout,
    beperking_vervalt,
    check_beperking,
)
from casushub.tenants.verzoeken.verzoek import (
    VerzoekGeenToegang,
    VerzoekNietGevonden,
    log,
)


async def beperk_inzage(
    session: AsyncSession,
    actor: Actor,
    *,
    item_soort: str,
    item_id: uuid.UUID,
    grond: str,
    herzien_op: date,
    toelichting: str = "",
    op: date | None = None,
) -> InzageBeperking:
    """A participant withholds one of its own items from inzage, on a ground, until review."""
    if actor.organisation_id is None:
        msg = "Alleen een deelnemer kan inzage in een gegeven beperken."
        raise VerzoekGeenToegang(msg)
    check_beperking(grond, herzien_op, op or vandaag())
    item = await bronnen.item(session, item_soort, item_id)
    if item is None:
        raise VerzoekNietGevonden("Dit gegeven bestaat niet.")
    if item.bron_organisatie_id is not None and item.bron_organisatie_id != actor.organisation_id:
        msg = "Alleen de deelnemer die dit gegeven aanleverde kan de inzage erin beperken."
        raise VerzoekGeenToegang(msg)
    bestaand = await session.scalar(
        select(InzageBeperking).where(
            InzageBeperking.item_soort == item_soort, InzageBeperking.item_id == item_id
        )
    )
    if bestaand is not None and bestaand.status == Beperkingsstatus.ACTIEF:
        msg = "De inzage in dit gegeven is al beperkt; bevestig of wijzig die beperking."
        raise VerzoekRegelFout(msg, "item")
    nu = datetime.now(UTC)
    beperking = bestaand or InzageBeperking(item_soort=item_soort, item_id=item_id)
    beperking.persoon_id = item.persoon_id
    beperking.grond = grond
    beperking.toelichting = toelichting.strip()
    beperking.gevraagd_door_organisatie = actor.organisation_id
    beperking.gevraagd_door = actor.user_id
    beperking.gevraagd_op = nu
    beperking.herzien_op = herzien_op
    beperking.bevestigd_op = None
    beperking.beeindigd_op = None
    beperking.status = Beperkingsstatus.ACTIEF.value
    session.add(beperking)
    await session.flush()
    await log(
        session,
        actor,
        f"beperking={beperking.id};grond={grond}",
        gegevensgroep="inzage_beperking",
        persoon_id=item.persoon_id,
        casus_id=item.casus_id,
    )
    return beperking


async def bevestig_beperking(
    session: AsyncSession,
    actor: Actor,
    beperking_id: uuid.UUID,
    *,
    herzien_op: date,
    op: date | None = None,
) -> InzageBeperking:
    """On review the participant confirms the ground still holds and sets the next review."""
    beperking = await _eigen_beperking(session, actor, beperking_id)
    dag = op or vandaag()
    if beperking.status != Beperkingsstatus.ACTIEF or beperking_vervalt(beperking.herzien_op, dag):
        msg = "Deze beperking is vervallen; leg zo nodig een nieuwe beperking vast."
        raise VerzoekRegelFout(msg)
    check_beperking(beperking.grond, herzien_op, dag)
    beperking.herzien_op = herzien_op
    beperking.bevestigd_op = datetime.now(UTC)
    await session.flush()
    await _log_status(session, actor, beperking, "bevestigd")
    return beperking


async def hef_beperking_op(
    session: AsyncSession, actor: Actor, beperking_id: uuid.UUID
) -> InzageBeperking:
    beperking = await _eigen_beperking(session, actor, beperking_id)
    beperking.status = Beperkingsstatus.OPGEHEVEN.value
    beperking.beeindigd_op = datetime.now(UTC)
    await session.flush()
    await _log_status(session, actor, beperking, "opgeheven")
    return beperking


async def _log_status(
    session: AsyncSession, actor: Actor, beperking: InzageBeperking, status: str
) -> None:
    await log(
        session,
        actor,
        f"beperking={beperking.id};{status}",
        gegevensgroep="inzage_beperking",
        persoon_id=beperking.persoon_id,
    )


async def _eigen_beperking(
    session: AsyncSession, actor: Actor, beperking_id: uuid.UUID
) -> InzageBeperking:
    beperking = await session.get(InzageBeperking, beperking_id)
    if beperking is None:
        raise VerzoekNietGevonden("Deze beperking bestaat niet.")
    if actor.organisation_id != beperking.gevraagd_door_organisatie:
        msg = "Alleen de deelnemer die de beperking vroeg kan haar bevestigen of opheffen."
        raise VerzoekGeenToegang(msg)
    return beperking


async def actieve_beperkingen(
    session: AsyncSession, persoon_id: uuid.UUID, op: date | None = None
) -> list[InzageBeperking]:
    """Restrictions that hold today; one past its review date without confirmation does not."""
    dag = op or vandaag()
    rows = (
        await session.scalars(
            select(InzageBeperking)
            .where(
                InzageBeperking.persoon_id == persoon_id,
                InzageBeperking.status == Beperkingsstatus.ACTIEF,
            )
            .order_by(InzageBeperking.gevraagd_op)
        )
    ).all()
    return [row for row in rows if not beperking_vervalt(row.herzien_op, dag)]


async def laat_beperkingen_vervallen(session: AsyncSession, actor: Actor, op: date) -> int:
    """Daily: restrictions not confirmed by their review date lapse (the item is shown again)."""
    rows = (
        await session.scalars(
            select(InzageBeperking).where(
                InzageBeperking.status == Beperkingsstatus.ACTIEF,
                InzageBeperking.herzien_op < op,
            )
        )
    ).all()
    for row in rows:
        row.status = Beperkingsstatus.VERVALLEN.value
        row.beeindigd_op = datetime.now(UTC)
        await _log_status(session, actor, row, "vervallen")
    await session.flush()
    return len(rows)


def grond_tekst(grond: str) -> str:
    return BEPERKING_GRONDEN.get(grond, grond)
