"""Consulting the sources of a request: every participant (and invited third party) that
supplied data on the person gets a task with a deadline, and answers it here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.klok import vandaag
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import bronnen
from casushub.tenants.verzoeken.blokkade import houd_vast
from casushub.tenants.verzoeken.models import (
    Consultatie,
    Verzoek,
)
from casushub.tenants.verzoeken.rules import (
    CONSULTATIE_DAGEN,
    Consultatiestatus,
    VerzoekRegelFout,
    VerzoekStatus,
    consultatie_termijn,
)
from casushub.tenants.verzoeken.verzoek import (
    LOPEND,
    VerzoekGeenToegang,
    VerzoekNietGevonden,
    log,
    verzoek,
)


async def start_consultaties(
    session: AsyncSession, actor: Actor, found: Verzoek, *, dagen: int = CONSULTATIE_DAGEN
) -> list[Consultatie]:
    """Every participant (and invited third party) that supplied data on the person gets a
    task with a deadline."""
    if found.persoon_id is None:
        return []
    bestaand = set(
        (
            await session.scalars(
                select(Consultatie.organisatie_id).where(Consultatie.verzoek_id == found.id)
            )
        ).all()
    )
    antwoord_voor = consultatie_termijn(vandaag(), found.termijn, dagen)
    nieuw: list[Consultatie] = []
    for organisatie_id in sorted(await bronnen.te_raadplegen(session, found.persoon_id)):
        if organisatie_id in bestaand:
            continue
        taak = Consultatie(
            verzoek_id=found.id,
            organisatie_id=organisatie_id,
            termijn=antwoord_voor,
            status=Consultatiestatus.OPEN.value,
        )
        session.add(taak)
        nieuw.append(taak)
    if nieuw and found.status == VerzoekStatus.ONTVANGEN:
        found.status = VerzoekStatus.IN_BEHANDELING.value
    await session.flush()
    await houd_vast(session, actor, found)
    return nieuw


async def consultaties(session: AsyncSession, verzoek_id: uuid.UUID) -> list[Consultatie]:
    return list(
        (
            await session.scalars(
                select(Consultatie)
                .where(Consultatie.verzoek_id == verzoek_id)
                .order_by(Consultatie.created_at, Consultatie.id)
            )
        ).all()
    )


async def open_consultaties(
    session: AsyncSession, organisatie_id: uuid.UUID
) -> list[tuple[Consultatie, Verzoek]]:
    """A participant's consultation tasks that still wait for its answer."""
    rows = await session.execute(
        select(Consultatie, Verzoek)
        .join(Verzoek, Verzoek.id == Consultatie.verzoek_id)
        .where(
            Consultatie.organisatie_id == organisatie_id,
            Consultatie.status == Consultatiestatus.OPEN.value,
            Verzoek.status.in_(LOPEND),
        )
        .order_by(Consultatie.termijn)
    )
    return [(row[0], row[1]) for row in rows]


async def beantwoord_consultatie(
    session: AsyncSession, actor: Actor, consultatie_id: uuid.UUID, antwoord: str
) -> Consultatie:
    taak = await session.get(Consultatie, consultatie_id)
    if taak is None:
        raise VerzoekNietGevonden("Deze consultatie bestaat niet.")
    if actor.organisation_id != taak.organisatie_id:
        msg = "Alleen de gevraagde deelnemer kan deze consultatie beantwoorden."
        raise VerzoekGeenToegang(msg)
    if not antwoord.strip():
        msg = "Schrijf uw reactie voor het contactpunt."
        raise VerzoekRegelFout(msg, "antwoord")
    taak.antwoord = antwoord.strip()
    taak.status = Consultatiestatus.BEANTWOORD.value
    taak.beantwoord_op = datetime.now(UTC)
    taak.beantwoord_door = actor.user_id
    await session.flush()
    found = await verzoek(session, taak.verzoek_id)
    await log(session, actor, f"consultatie={taak.id};beantwoord", persoon_id=found.persoon_id)
    return taak
