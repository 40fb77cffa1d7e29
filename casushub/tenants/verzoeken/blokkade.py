"""The legal hold a pending request puts on the person's data (docs/design.md §2 rule 7).

Set when the sources are consulted, lifted once the request is decided, carried out or passed
on; the hold follows from the law, so it is set and lifted in the system's name.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Blokkadegrond, JuridischeBlokkade
from casushub.tenants.bewaartermijnen.services import hef_blokkade_op, stel_blokkade_in
from casushub.tenants.verzoeken.models import Verzoek


def _als_systeem(actor: Actor) -> Actor:
    # The hold follows from the law (a pending request), not from the user's own authority.
    return dataclasses.replace(actor, role="systeem")


async def houd_vast(session: AsyncSession, actor: Actor, found: Verzoek) -> None:
    """A pending request suspends destruction of the person's data (docs/design.md rule 7)."""
    if found.persoon_id is None:
        return
    bestaand = await session.scalar(
        select(JuridischeBlokkade.id).where(
            JuridischeBlokkade.verzoek_id == found.id,
            JuridischeBlokkade.opgeheven_op.is_(None),
        )
    )
    if bestaand is None:
        await stel_blokkade_in(
            session,
            _als_systeem(actor),
            found.persoon_id,
            grond=Blokkadegrond.VERZOEK,
            reden=f"Lopend verzoek {found.ontvangstnummer} ({found.type}) bij het contactpunt.",
            verzoek_id=found.id,
        )


async def laat_los(session: AsyncSession, actor: Actor, found: Verzoek) -> None:
    """Lift the request's hold once it is decided (or carried out)."""
    open_holds = (
        await session.scalars(
            select(JuridischeBlokkade.id).where(
                JuridischeBlokkade.verzoek_id == found.id,
                JuridischeBlokkade.opgeheven_op.is_(None),
            )
        )
    ).all()
    for blokkade_id in open_holds:
        await hef_blokkade_op(
            session,
            _als_systeem(actor),
            blokkade_id,
            reden=f"Verzoek {found.ontvangstnummer} is afgehandeld.",
        )
