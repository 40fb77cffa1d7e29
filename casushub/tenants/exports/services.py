"""The export guard: call ``exporteer`` before any case data leaves the platform.

It checks the purpose and destination (``rules.check_export``), that a referenced
intervention exists in this casus's plan, and that sources approved their sensitive items;
then records the export (metadata only) and writes it to the access log, all in the caller's
transaction. Producing the file is the caller's business, after this returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.exports.models import Export, ExportGoedkeuring
from casushub.tenants.exports.rules import (
    Bestemming,
    ExportDoel,
    ExportGeweigerd,
    ExportItem,
    Formaat,
    check_export,
    goedkeuring_nodig,
)
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record

__all__ = ["beslis_goedkeuring", "exporteer", "vraag_goedkeuringen"]

GEGEVENSGROEP = "export"


async def _interventie_bestaat(
    session: AsyncSession, interventie_id: uuid.UUID | None, casus_id: uuid.UUID | None
) -> bool:
    if interventie_id is None or casus_id is None:
        return False
    found = await session.scalar(
        select(Interventie.id)
        .join(Plan, Plan.id == Interventie.plan_id)
        .where(Interventie.id == interventie_id, Plan.casus_id == casus_id)
    )
    return found is not None


async def _goedgekeurd(
    session: AsyncSession, items: Sequence[ExportItem], doel: str, bestemming: str
) -> set[uuid.UUID]:
    ids = [item.id for item in items]
    if not ids:
        return set()
    rows = await session.scalars(
        select(ExportGoedkeuring.item_id).where(
            ExportGoedkeuring.item_id.in_(ids),
            ExportGoedkeuring.doel == doel,
            ExportGoedkeuring.bestemming == bestemming,
            ExportGoedkeuring.status == "goedgekeurd",
        )
    )
    return set(rows.all())


async def exporteer(
    session: AsyncSession,
    actor: Actor,
    *,
    doel: str | ExportDoel | None,
    bestemming: Bestemming,
    formaat: Formaat,
    items: Sequence[ExportItem],
    casus_id: uuid.UUID | None = None,
    persoon_id: uuid.UUID | None = None,
    interventie_id: uuid.UUID | None = None,
    verzoek_id: uuid.UUID | None = None,
) -> Export:
    """Allow and log one export, or raise ``ExportGeweigerd`` (nothing is logged then)."""
    doel_tekst = str(doel or "").strip()
    gekozen = check_export(
        doel=doel,
        bestemming=bestemming,
        items=items,
        exporteur_organisatie_id=actor.organisation_id,
        interventie_id=interventie_id,
        interventie_bestaat=await _interventie_bestaat(session, interventie_id, casus_id),
        goedgekeurd=await _goedgekeurd(session, items, doel_tekst, bestemming.value),
    )
    export = Export(
        doel=gekozen.value,
        bestemming=bestemming.value,
        formaat=formaat.value,
        casus_id=casus_id,
        persoon_id=persoon_id,
        interventie_id=interventie_id,
        verzoek_id=verzoek_id,
        aantal_items=len(items),
        door=actor.user_id,
        door_organisatie=actor.organisation_id,
    )
    session.add(export)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.PRINT if formaat is Formaat.AFDRUK else Actie.EXPORT,
        gegevensgroep=GEGEVENSGROEP,
        doel=gekozen.value,
        casus_id=casus_id,
        persoon_id=persoon_id,
        detail=(
            f"export={export.id};bestemming={bestemming.value};formaat={formaat.value};"
            f"items={len(items)}"
        ),
    )
    return export


async def vraag_goedkeuringen(
    session: AsyncSession,
    actor: Actor,
    *,
    doel: ExportDoel,
    bestemming: Bestemming,
    items: Sequence[ExportItem],
) -> list[ExportGoedkeuring]:
    """Ask each source to approve its sensitive items for this purpose (idempotent)."""
    gevraagd: list[ExportGoedkeuring] = []
    for item in goedkeuring_nodig(items, bestemming, actor.organisation_id):
        if item.bron_organisatie_id is None:
            msg = "Van dit gegeven is de bron onbekend; het kan niet worden geëxporteerd."
            raise ExportGeweigerd(msg, "goedkeuring")
        bestaand = await session.scalar(
            select(ExportGoedkeuring).where(
                ExportGoedkeuring.item_soort == item.soort,
                ExportGoedkeuring.item_id == item.id,
                ExportGoedkeuring.doel == doel.value,
                ExportGoedkeuring.bestemming == bestemming.value,
            )
        )
        if bestaand is None:
            bestaand = ExportGoedkeuring(
                item_soort=item.soort,
                item_id=item.id,
                doel=doel.value,
                bestemming=bestemming.value,
                bron_organisatie_id=item.bron_organisatie_id,
                gevraagd_door=actor.user_id,
                gevraagd_door_organisatie=actor.organisation_id,
                status="open",
            )
            session.add(bestaand)
        gevraagd.append(bestaand)
    await session.flush()
    return gevraagd


async def beslis_goedkeuring(
    session: AsyncSession, actor: Actor, goedkeuring_id: uuid.UUID, *, goedkeuren: bool
) -> ExportGoedkeuring:
    """Only the participant that supplied the item decides on its export."""
    goedkeuring = await session.get(ExportGoedkeuring, goedkeuring_id)
    if goedkeuring is None:
        msg = "Dit verzoek om goedkeuring bestaat niet."
        raise ExportGeweigerd(msg)
    if actor.organisation_id != goedkeuring.bron_organisatie_id:
        msg = "Alleen de deelnemer die het gegeven aanleverde kan de export goedkeuren."
        raise ExportGeweigerd(msg, "goedkeuring")
    goedkeuring.status = "goedgekeurd" if goedkeuren else "geweigerd"
    goedkeuring.besloten_door = actor.user_id
    goedkeuring.besloten_op = datetime.now(UTC)
    await session.flush()
    return goedkeuring
