"""The contactpunt's one decision on a request, for all joint controllers (Besluit art. 3), and
the items it withholds from inzage (``Onthouding``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken.beperkingen import actieve_beperkingen
from casushub.tenants.verzoeken.blokkade import laat_los
from casushub.tenants.verzoeken.models import (
    Besluit,
    InzageBeperking,
    Onthouding,
)
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
    check_besluit,
    check_overgang,
)
from casushub.tenants.verzoeken.verzoek import (
    LOPEND,
    log,
    verzoek,
)


async def neem_besluit(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    uitkomst: Besluituitkomst,
    motivering: str,
) -> Besluit:
    """The contactpunt's one decision for all joint controllers.

    For inzage, every restriction holding today is recorded with the decision (ground, who
    asked, when); the export leaves those items out.
    """
    found = await verzoek(session, verzoek_id)
    if found.status not in LOPEND:
        msg = "Over dit verzoek is al besloten of het loopt niet meer."
        raise VerzoekRegelFout(msg)
    beperkingen: list[InzageBeperking] = []
    if found.type == VerzoekType.INZAGE and found.persoon_id is not None:
        beperkingen = await actieve_beperkingen(session, found.persoon_id)
    check_besluit(uitkomst, motivering, onthouden=len(beperkingen))
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.BESLOTEN)
    besluit = Besluit(
        verzoek_id=found.id,
        uitkomst=uitkomst.value,
        motivering=motivering.strip(),
        genomen_op=datetime.now(UTC),
        genomen_door=actor.user_id,
        genomen_door_organisatie=actor.organisation_id,
    )
    session.add(besluit)
    await session.flush()
    for beperking in beperkingen:
        session.add(
            Onthouding(
                besluit_id=besluit.id,
                beperking_id=beperking.id,
                item_soort=beperking.item_soort,
                item_id=beperking.item_id,
                grond=beperking.grond,
                gevraagd_door_organisatie=beperking.gevraagd_door_organisatie,
                gevraagd_op=beperking.gevraagd_op,
            )
        )
    found.status = VerzoekStatus.BESLOTEN.value
    await session.flush()
    await log(
        session,
        actor,
        f"verzoek={found.id};besluit={uitkomst.value};onthouden={len(beperkingen)}",
        persoon_id=found.persoon_id,
    )
    # A granted erasure or objection keeps the hold until it is carried out (uitvoering).
    wacht_op_uitvoering = found.type in {VerzoekType.VERWIJDERING, VerzoekType.BEZWAAR}
    if not wacht_op_uitvoering or uitkomst is Besluituitkomst.AFGEWEZEN:
        await laat_los(session, actor, found)
    return besluit


async def onthoudingen(session: AsyncSession, besluit_id: uuid.UUID) -> list[Onthouding]:
    return list(
        (
            await session.scalars(
                select(Onthouding)
                .where(Onthouding.besluit_id == besluit_id)
                .order_by(Onthouding.gevraagd_op)
            )
        ).all()
    )


async def besluit_van(session: AsyncSession, verzoek_id: uuid.UUID) -> Besluit | None:
    """The decision on a request, if it has one."""
    return await session.scalar(select(Besluit).where(Besluit.verzoek_id == verzoek_id))
