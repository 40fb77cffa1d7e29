"""The hub's meetings as the casusoverleg screens need them (platform data, no personal data).

A meeting belongs to a regional casusoverleg; a municipality may only put its cases on the
agenda of a meeting of a casusoverleg it belongs to. The iCalendar invitation is built here
from the meeting row alone, so it cannot carry a name, a case or an agenda item.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from litestar.exceptions import NotFoundException
from sqlalchemy import DateTime, Integer, Row, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform import klok
from casushub.platform.hub.models import Bijeenkomst, Casusoverleg, CasusoverlegGemeente
from casushub.web.formulieren import als_uuid

__all__ = [
    "BijeenkomstInfo",
    "bijeenkomst_of_404",
    "bijeenkomst_van_tenant",
    "bijeenkomsten_info",
    "bijeenkomsten_op",
    "gekozen_bijeenkomst",
    "ics",
    "komende_bijeenkomsten",
    "lees_bijeenkomst",
    "tenants_van_bijeenkomst",
]


@dataclass(frozen=True, slots=True)
class BijeenkomstInfo:
    id: uuid.UUID
    casusoverleg: str
    begint_op: datetime
    eindigt_op: datetime
    locatie: str
    videolink: str

    @property
    def omschrijving(self) -> str:
        """The option label: date, time, casusoverleg (the same text in every screen)."""
        begin = self.begint_op.astimezone(klok.TIJDZONE)
        return f"{begin:%d-%m-%Y %H:%M} – {self.casusoverleg}"

    @property
    def eindtijd(self) -> str:
        return f"{self.eindigt_op.astimezone(klok.TIJDZONE):%H:%M}"


# Dutch wall-clock time for the screens; the .ics carries UTC.


def _query() -> Select[uuid.UUID, str, datetime, datetime, str, str]:
    # Core rows (a connection, not an ORM session): select the columns themselves.
    return select(
        Bijeenkomst.id,
        Casusoverleg.naam,
        Bijeenkomst.begint_op,
        Bijeenkomst.eindigt_op,
        Bijeenkomst.locatie,
        Bijeenkomst.videolink,
    ).join(Casusoverleg, Casusoverleg.id == Bijeenkomst.casusoverleg_id)


def _info(row: Row[uuid.UUID, str, datetime, datetime, str, str]) -> BijeenkomstInfo:
    i, naam, begin, einde, locatie, videolink = row
    return BijeenkomstInfo(i, naam, begin, einde, locatie or "", videolink or "")


# Built once: the dashboard shows them on every visit.
_KOMENDE = (
    _query()
    .join(
        CasusoverlegGemeente,
        CasusoverlegGemeente.casusoverleg_id == Bijeenkomst.casusoverleg_id,
    )
    .where(
        CasusoverlegGemeente.tenant_id == bindparam("tenant_id"),
        Bijeenkomst.eindigt_op > bindparam("nu", type_=DateTime(timezone=True)),
        Bijeenkomst.geannuleerd.is_(False),
    )
    .order_by(Bijeenkomst.begint_op)
    .limit(bindparam("limiet", type_=Integer))
)


async def komende_bijeenkomsten(
    conn: AsyncConnection, tenant_id: uuid.UUID, *, nu: datetime | None = None, limiet: int = 10
) -> list[BijeenkomstInfo]:
    """Meetings not yet over of every casusoverleg this municipality belongs to."""
    nu = nu or datetime.now(UTC)
    rows = await conn.execute(_KOMENDE, {"tenant_id": tenant_id, "nu": nu, "limiet": limiet})
    return [_info(r) for r in rows.all()]


async def lees_bijeenkomst(
    engine: AsyncEngine, bijeenkomst_id: uuid.UUID
) -> BijeenkomstInfo | None:
    async with engine.connect() as conn:
        row = (await conn.execute(_query().where(Bijeenkomst.id == bijeenkomst_id))).first()
    return None if row is None else _info(row)


async def bijeenkomsten_info(
    engine: AsyncEngine, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, BijeenkomstInfo]:
    if not ids:
        return {}
    async with engine.connect() as conn:
        return await bijeenkomsten_op(conn, ids)


async def bijeenkomsten_op(
    conn: AsyncConnection, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, BijeenkomstInfo]:
    """``bijeenkomsten_info`` on a connection the caller reads more platform data on."""
    if not ids:
        return {}
    rows = await conn.execute(_query().where(Bijeenkomst.id.in_(list(ids))))
    return {r[0]: _info(r) for r in rows.all()}


async def bijeenkomst_van_tenant(
    engine: AsyncEngine, tenant_id: uuid.UUID, bijeenkomst_id: uuid.UUID
) -> BijeenkomstInfo | None:
    """The meeting if it is one of this municipality's casusoverleg, else None."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                _query()
                .join(
                    CasusoverlegGemeente,
                    CasusoverlegGemeente.casusoverleg_id == Bijeenkomst.casusoverleg_id,
                )
                .where(
                    Bijeenkomst.id == bijeenkomst_id,
                    CasusoverlegGemeente.tenant_id == tenant_id,
                    Bijeenkomst.geannuleerd.is_(False),
                )
            )
        ).first()
    return None if row is None else _info(row)


async def bijeenkomst_of_404(
    engine: AsyncEngine, tenant_id: uuid.UUID, bijeenkomst_id: uuid.UUID
) -> BijeenkomstInfo:
    """The meeting of this municipality's casusoverleg; any other id is answered as unknown."""
    info = await bijeenkomst_van_tenant(engine, tenant_id, bijeenkomst_id)
    if info is None:
        raise NotFoundException(detail="Deze bijeenkomst bestaat niet.", extra={"dutch": True})
    return info


async def gekozen_bijeenkomst(
    engine: AsyncEngine, tenant_id: uuid.UUID, keuze: str
) -> BijeenkomstInfo | None:
    """The meeting chosen in a form, when it is one of this municipality's casusoverleg."""
    gekozen = als_uuid(keuze)
    return await bijeenkomst_van_tenant(engine, tenant_id, gekozen) if gekozen else None


async def tenants_van_bijeenkomst(engine: AsyncEngine, bijeenkomst_id: uuid.UUID) -> set[uuid.UUID]:
    """The municipalities whose casusoverleg holds this (not cancelled) meeting."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(CasusoverlegGemeente.tenant_id)
            .join(Bijeenkomst, Bijeenkomst.casusoverleg_id == CasusoverlegGemeente.casusoverleg_id)
            .where(Bijeenkomst.id == bijeenkomst_id, Bijeenkomst.geannuleerd.is_(False))
        )
        return set(rows.scalars())


def _tekst(value: str) -> str:
    """RFC 5545 TEXT escaping."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _tijd(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(info: BijeenkomstInfo, *, nu: datetime | None = None) -> str:
    """An iCalendar invitation with date, time, place or video link and the casusoverleg's
    name only: a calendar leaves the platform's protection (mail servers, phones, shared
    agendas), so no case, person or agenda item goes into it."""
    regels = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//casushub//casusoverleg//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{info.id}@casushub",
        f"DTSTAMP:{_tijd(nu or datetime.now(UTC))}",
        f"DTSTART:{_tijd(info.begint_op)}",
        f"DTEND:{_tijd(info.eindigt_op)}",
        f"SUMMARY:{_tekst('Casusoverleg ' + info.casusoverleg)}",
    ]
    if info.locatie:
        regels.append(f"LOCATION:{_tekst(info.locatie)}")
    if info.videolink:
        regels.append(f"URL:{info.videolink}")
        if not info.locatie:
            regels.append(f"LOCATION:{_tekst(info.videolink)}")
    regels += ["CLASS:CONFIDENTIAL", "END:VEVENT", "END:VCALENDAR"]
    # Lines longer than 75 octets are folded (RFC 5545 §3.1).
    return "\r\n".join(_vouw(regel) for regel in regels) + "\r\n"


def _vouw(regel: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    delen, huidig, lengte = [], "", 0
    for teken in regel:
        grootte = len(teken.encode())
        if lengte + grootte > 75:
            delen.append(huidig)
            huidig, lengte = " ", 1
        huidig += teken
        lengte += grootte
    delen.append(huidig)
    return "\r\n".join(delen)
