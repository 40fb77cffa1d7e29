"""The contactpunt's queue as staff work it: find a request by name or receipt number, filter
by type and status, sort by any column, and always see what is overdue first.

The queue shows names, so each row shown is a logged read; a search logs its term only as a
keyed hash (like the person search).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.zoeken import bevat
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record, search_term_detail
from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import VerzoekStatus, VerzoekType
from casushub.tenants.verzoeken.verzoek import DOEL, GEGEVENSGROEP

__all__ = [
    "MAX_RIJEN",
    "SORTEERBAAR",
    "Statusfilter",
    "Wachtrij",
    "aantal_zonder_persoon",
    "wachtrij",
]

MAX_RIJEN = 200
MAX_ZOEK = 100
OPEN = (VerzoekStatus.ONTVANGEN, VerzoekStatus.IN_BEHANDELING, VerzoekStatus.OVERDRACHT)


class Statusfilter(enum.StrEnum):
    OPEN = "open"
    BESLOTEN = "besloten"
    AFGEHANDELD = "afgehandeld"
    ALLE = "alle"


_STATUSSEN: dict[Statusfilter, tuple[VerzoekStatus, ...]] = {
    Statusfilter.OPEN: OPEN,
    Statusfilter.BESLOTEN: (VerzoekStatus.BESLOTEN,),
    Statusfilter.AFGEHANDELD: (
        VerzoekStatus.UITGEVOERD,
        VerzoekStatus.OVERGEDRAGEN,
        VerzoekStatus.INGETROKKEN,
    ),
    Statusfilter.ALLE: tuple(VerzoekStatus),
}
SORTEERBAAR: dict[str, Any] = {
    "naam": func.lower(Verzoek.indiener_naam),
    "soort": Verzoek.type,
    "ontvangen": Verzoek.ontvangen_tijdstip,
    "termijn": Verzoek.termijn,
    "status": Verzoek.status,
}


def te_laat(vandaag: date) -> ColumnElement[bool]:
    return and_(Verzoek.status.in_(OPEN), Verzoek.termijn < vandaag)


@dataclass(frozen=True)
class Wachtrij:
    verzoeken: list[Verzoek]
    te_laat: int
    afgekapt: bool


async def wachtrij(
    session: AsyncSession,
    actor: Actor,
    *,
    vandaag: date,
    sleutel: str,
    zoek: str = "",
    soort: VerzoekType | None = None,
    status: Statusfilter = Statusfilter.OPEN,
    sorteer: str = "termijn",
    aflopend: bool = False,
) -> Wachtrij:
    """The requests that match, overdue first, then by ``sorteer``; each row read is logged."""
    zoek = " ".join(zoek.split())[:MAX_ZOEK]
    voorwaarden: list[ColumnElement[bool]] = [Verzoek.status.in_(_STATUSSEN[status])]
    if soort is not None:
        voorwaarden.append(Verzoek.type == soort.value)
    if zoek:
        voorwaarden.append(
            or_(
                bevat(Verzoek.indiener_naam, zoek),
                bevat(Verzoek.betrokkene_naam, zoek),
                bevat(Verzoek.ontvangstnummer, zoek),
            )
        )
    kolom = SORTEERBAAR.get(sorteer, Verzoek.termijn)
    eerst_te_laat = case((te_laat(vandaag), 0), else_=1)
    rows = list(
        (
            await session.scalars(
                select(Verzoek)
                .where(*voorwaarden)
                .order_by(
                    eerst_te_laat,
                    kolom.desc() if aflopend else kolom.asc(),
                    Verzoek.ontvangen_tijdstip,
                    Verzoek.id,
                )
                .limit(MAX_RIJEN + 1)
            )
        ).all()
    )
    afgekapt = len(rows) > MAX_RIJEN
    rows = rows[:MAX_RIJEN]
    if zoek:
        await record(
            session,
            actor,
            actie=Actie.SEARCH,
            gegevensgroep=GEGEVENSGROEP,
            doel=DOEL,
            detail=f"{search_term_detail(zoek, sleutel.encode())} treffers={len(rows)}",
        )
    for found in rows:
        await record(
            session,
            actor,
            actie=Actie.READ,
            gegevensgroep=GEGEVENSGROEP,
            doel=DOEL,
            persoon_id=found.persoon_id,
            detail=f"verzoek={found.id};wachtrij",
        )
    aantal_te_laat = sum(1 for v in rows if v.status in OPEN and v.termijn < vandaag)
    return Wachtrij(rows, aantal_te_laat, afgekapt)


async def aantal_zonder_persoon(session: AsyncSession) -> int:
    """How many open requests have no person linked and none recorded as unknown."""
    aantal = await session.scalar(
        select(func.count())
        .select_from(Verzoek)
        .where(
            Verzoek.status.in_(("ontvangen", "in_behandeling")),
            Verzoek.persoon_id.is_(None),
            Verzoek.persoon_onbekend_op.is_(None),
        )
    )
    return aantal or 0
