"""The retention screens' reads: the periods that apply (placeholders marked) and the
deletion receipts. Neither holds personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.bewaartermijnen.rules import DEFAULT_PARAMS, RULES
from casushub.tenants.bewaartermijnen.services import parametergeschiedenis

__all__ = [
    "LABELS",
    "Termijn",
    "Wijziging",
    "aantal_bewijzen",
    "termijnen",
    "vernietigingsbewijzen",
]

LABELS: dict[str, str] = {
    "casus": "Casus",
    "signaal:geen_actie": "Signaal gewogen als 'geen actie'",
    "verwerkingenlog": "Verwerkingenlog (wie zag wat)",
}
"""Each parameter key as the screens name it."""


@dataclass(frozen=True, slots=True)
class Wijziging:
    jaren: int
    reden: str
    tijdstip: datetime


@dataclass(frozen=True, slots=True)
class Termijn:
    sleutel: str
    label: str
    jaren: int
    vanaf: str
    """What the period counts from, in words."""
    voorlopig: bool
    """Still the placeholder default: the municipality never set its own value."""
    wijzigingen: list[Wijziging]


async def termijnen(session: AsyncSession) -> list[Termijn]:
    """Every retention parameter with the value that applies and its history, newest first."""
    geschiedenis = await parametergeschiedenis(session)
    uit = []
    for sleutel, regel in RULES.items():
        eigen = [
            Wijziging(w.jaren, w.reden, w.tijdstip) for w in geschiedenis if w.sleutel == sleutel
        ]
        uit.append(
            Termijn(
                sleutel=sleutel,
                label=LABELS.get(sleutel, sleutel),
                jaren=eigen[0].jaren if eigen else DEFAULT_PARAMS[sleutel],
                vanaf=regel.source,
                voorlopig=not eigen,
                wijzigingen=eigen,
            )
        )
    return uit


async def vernietigingsbewijzen(
    session: AsyncSession, *, limiet: int = 200
) -> list[Vernietigingsbewijs]:
    """The newest receipts first (kind, id, when, rule, batch: no personal data)."""
    query = (
        select(Vernietigingsbewijs)
        .order_by(Vernietigingsbewijs.vernietigd_op.desc(), Vernietigingsbewijs.id)
        .limit(limiet)
    )
    return list((await session.execute(query)).scalars())


async def aantal_bewijzen(session: AsyncSession, *, sinds: date | None = None) -> int:
    query = select(func.count()).select_from(Vernietigingsbewijs)
    if sinds is not None:
        query = query.where(func.date(Vernietigingsbewijs.vernietigd_op) >= sinds)
    return int((await session.execute(query)).scalar_one())
