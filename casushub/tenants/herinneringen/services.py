"""Which reminders are due today, each returned once (no web or queue code here).

- ``casus_review``: an open casus whose necessity review is overdue (``reviews_te_melden``),
  for the municipality's regie;
- ``beperking_herzien``: an "inzage beperkt" restriction whose review date is within
  ``VOORUIT`` days, for the participant that asked for it (on that date it must be confirmed
  or it lapses).

Only ids leave here: the job turns them into a link, never into a name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.ids import new_id
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.casus.services import reviews_te_melden
from casushub.tenants.herinneringen.models import Herinnering
from casushub.tenants.verzoeken.models import InzageBeperking
from casushub.tenants.verzoeken.rules import Beperkingsstatus

__all__ = ["VOORUIT", "BeperkingHerinnering", "beperkingen_te_melden", "reviews_nieuw_te_melden"]

VOORUIT = timedelta(days=7)
"""How long before a restriction's review date its owner is reminded."""


async def _eenmalig(
    session: AsyncSession, soort: str, onderwerp: uuid.UUID, vervaldatum: date
) -> bool:
    """Record the reminder; False when it was sent before (same kind, subject, due date)."""
    result = await session.execute(
        insert(Herinnering)
        .values(id=new_id(), soort=soort, onderwerp_id=onderwerp, vervaldatum=vervaldatum)
        .on_conflict_do_nothing(
            index_elements=[Herinnering.soort, Herinnering.onderwerp_id, Herinnering.vervaldatum]
        )
        .returning(Herinnering.id)
    )
    return result.first() is not None


async def reviews_nieuw_te_melden(session: AsyncSession, vandaag: date) -> list[uuid.UUID]:
    """Casussen whose review fell due and whose regie was not yet reminded of that date."""
    ids = await reviews_te_melden(session, vandaag)
    if not ids:
        return []
    rows = await session.execute(
        select(Casus.id, Casus.volgende_review).where(Casus.id.in_(ids)).order_by(Casus.id)
    )
    return [
        row.id
        for row in rows.all()
        if await _eenmalig(session, "casus_review", row.id, row.volgende_review)
    ]


@dataclass(frozen=True, slots=True)
class BeperkingHerinnering:
    beperking_id: uuid.UUID
    eigenaar_id: uuid.UUID | None
    organisatie_id: uuid.UUID
    casus_id: uuid.UUID | None
    item_id: uuid.UUID
    item_soort: str


async def beperkingen_te_melden(session: AsyncSession, vandaag: date) -> list[BeperkingHerinnering]:
    """Open restrictions reviewed within ``VOORUIT`` days, not yet reminded of that date."""
    rows = await session.execute(
        select(InzageBeperking, InformatieItem.casus_id)
        .outerjoin(
            InformatieItem,
            (InzageBeperking.item_soort == "informatie_item")
            & (InformatieItem.id == InzageBeperking.item_id),
        )
        .where(
            InzageBeperking.status == Beperkingsstatus.ACTIEF.value,
            InzageBeperking.herzien_op >= vandaag,
            InzageBeperking.herzien_op <= vandaag + VOORUIT,
        )
        .order_by(InzageBeperking.herzien_op, InzageBeperking.id)
    )
    uit = []
    for beperking, casus_id in rows.all():
        if await _eenmalig(session, "beperking_herzien", beperking.id, beperking.herzien_op):
            uit.append(
                BeperkingHerinnering(
                    beperking_id=beperking.id,
                    eigenaar_id=beperking.gevraagd_door,
                    organisatie_id=beperking.gevraagd_door_organisatie,
                    casus_id=casus_id,
                    item_id=beperking.item_id,
                    item_soort=beperking.item_soort,
                )
            )
    return uit
