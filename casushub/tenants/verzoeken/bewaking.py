"""The daily watch over the contactpunt's deadlines (run by the scheduler, per tenant).

Raises at most one reminder per kind, subject and day (``VerzoekHerinnering``), so a rerun
of the same day adds nothing; lets restrictions lapse that were not confirmed on their review
date. What to remind of:

- ``termijn_nadert``: a request's deadline is within a week (time to decide or to extend,
  since an extension needs a notice *before* the deadline);
- ``termijn_verstreken``: the deadline passed without a decision;
- ``consultatie_verlopen``: a participant did not answer by its deadline;
- ``beperking_herzien``: a restriction's review date is within a week;
- ``overdracht_open``: a request for a municipality not on the hub still waits to be passed on.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.ids import new_id
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken.beperkingen import laat_beperkingen_vervallen
from casushub.tenants.verzoeken.models import (
    Consultatie,
    InzageBeperking,
    Verzoek,
    VerzoekHerinnering,
)
from casushub.tenants.verzoeken.rules import Beperkingsstatus, Consultatiestatus, VerzoekStatus

__all__ = ["VOORUIT", "Bewaking", "bewaak"]

VOORUIT = timedelta(days=7)
_LOPEND = (VerzoekStatus.ONTVANGEN.value, VerzoekStatus.IN_BEHANDELING.value)


class Bewaking:
    def __init__(self) -> None:
        self.herinneringen: list[tuple[str, uuid.UUID]] = []
        self.vervallen = 0


async def _herinner(
    session: AsyncSession, soort: str, onderwerp: uuid.UUID, vandaag: date, uit: Bewaking
) -> None:
    result = await session.execute(
        insert(VerzoekHerinnering)
        .values(id=new_id(), soort=soort, onderwerp_id=onderwerp, datum=vandaag)
        .on_conflict_do_nothing(
            index_elements=[
                VerzoekHerinnering.soort,
                VerzoekHerinnering.onderwerp_id,
                VerzoekHerinnering.datum,
            ]
        )
        .returning(VerzoekHerinnering.id)
    )
    if result.first() is not None:
        uit.herinneringen.append((soort, onderwerp))


async def bewaak(session: AsyncSession, actor: Actor, vandaag: date) -> Bewaking:
    uit = Bewaking()
    uit.vervallen = await laat_beperkingen_vervallen(session, actor, vandaag)
    lopend = (
        await session.execute(
            select(Verzoek.id, Verzoek.termijn).where(
                Verzoek.status.in_(_LOPEND), Verzoek.termijn <= vandaag + VOORUIT
            )
        )
    ).all()
    for verzoek_id, termijn in lopend:
        soort = "termijn_verstreken" if termijn < vandaag else "termijn_nadert"
        await _herinner(session, soort, verzoek_id, vandaag, uit)
    # Each query runs after the reminders before it are written, as they are listed here.
    for soort, query in (
        (
            "consultatie_verlopen",
            select(Consultatie.id)
            .join(Verzoek, Verzoek.id == Consultatie.verzoek_id)
            .where(
                Consultatie.status == Consultatiestatus.OPEN.value,
                Consultatie.termijn < vandaag,
                Verzoek.status.in_(_LOPEND),
            ),
        ),
        (
            "beperking_herzien",
            select(InzageBeperking.id).where(
                InzageBeperking.status == Beperkingsstatus.ACTIEF.value,
                InzageBeperking.herzien_op <= vandaag + VOORUIT,
            ),
        ),
        (
            "overdracht_open",
            select(Verzoek.id).where(
                Verzoek.status == VerzoekStatus.OVERDRACHT.value,
                Verzoek.ontvangen_op < vandaag,
            ),
        ),
    ):
        for onderwerp_id in (await session.scalars(query)).all():
            await _herinner(session, soort, onderwerp_id, vandaag, uit)
    return uit
