"""Casus data for another municipal system, for carrying out one intervention of the plan
van aanpak: the only purpose for which case data may go to another municipal process.

The guard (``services.exporteer``) decides and logs; this module gathers what the export
holds: the casus, the person, the chosen intervention and the casus's items. Special and
criminal items go only on request, and then only with their sources' approval (the guard
refuses otherwise, with a Dutch explanation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import InformatieItem
from casushub.tenants.casus.services import CasusRegel, lees_casus
from casushub.tenants.casus.toegang import vereis_regie
from casushub.tenants.exports.rules import Bestemming, ExportItem, Formaat
from casushub.tenants.exports.services import exporteer
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.plan.rules import DOMEINEN

__all__ = ["Interventiekeuze", "exporteer_voor_interventie", "interventies_van"]


@dataclass(frozen=True, slots=True)
class Interventiekeuze:
    id: uuid.UUID
    omschrijving: str
    domein: str
    status: str


async def interventies_van(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> tuple[CasusRegel, list[Interventiekeuze]]:
    """The casus (access checked, read logged) and the interventions of its plan."""
    vereis_regie(actor)
    casus = await lees_casus(session, actor, casus_id, doel="export voorbereiden")
    rows = await session.execute(
        select(Interventie)
        .join(Plan, Plan.id == Interventie.plan_id)
        .where(Plan.casus_id == casus_id)
        .order_by(Interventie.created_at, Interventie.id)
    )
    return casus, [
        Interventiekeuze(i.id, i.omschrijving, DOMEINEN.get(i.domein, i.domein), i.status)
        for i in rows.scalars()
    ]


def _datum(value: Any) -> Any:
    return value.isoformat() if value is not None else None


async def exporteer_voor_interventie(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    doel: str | None,
    interventie_id: uuid.UUID | None,
    met_gevoelig: bool,
) -> dict[str, Any]:
    """The export document, after the guard allowed and logged it (``ExportGeweigerd``
    otherwise: nothing is logged then, nothing leaves)."""
    casus, interventies = await interventies_van(session, actor, casus_id)
    rows = list(
        (
            await session.execute(
                select(InformatieItem)
                .where(InformatieItem.casus_id == casus_id)
                .order_by(InformatieItem.datum, InformatieItem.id)
            )
        ).scalars()
    )
    items = [r for r in rows if met_gevoelig or r.categorie == "gewoon"]
    export = await exporteer(
        session,
        actor,
        doel=doel,
        bestemming=Bestemming.GEMEENTELIJK_PROCES,
        formaat=Formaat.JSON,
        items=[
            ExportItem("informatie_item", r.id, r.categorie, r.bron_organisatie_id) for r in items
        ],
        casus_id=casus_id,
        persoon_id=casus.persoon_id,
        interventie_id=interventie_id,
    )
    interventie = await session.get(Interventie, interventie_id) if interventie_id else None
    return {
        "formaat": "casushub-interventie-export-1",
        "export": str(export.id),
        "doel": export.doel,
        "gemaakt_op": datetime.now(UTC).isoformat(),
        "persoon": {"naam": casus.naam, "geboortedatum": _datum(casus.geboortedatum)},
        "casus": {
            "status": casus.status,
            "intake_datum": _datum(casus.intake_datum),
            "gemeente_van_verblijf": casus.gemeente_van_verblijf,
        },
        "interventie": None
        if interventie is None
        else {
            "omschrijving": interventie.omschrijving,
            "domein": DOMEINEN.get(interventie.domein, interventie.domein),
            "bevoegdheid": interventie.bevoegdheid,
            "status": interventie.status,
            "deadline": _datum(interventie.deadline),
        },
        "informatie": [
            {"datum": _datum(r.datum), "categorie": r.categorie, "tekst": r.tekst} for r in items
        ],
        "niet_meegenomen": len(rows) - len(items),
        "interventies_in_plan": len(interventies),
    }
