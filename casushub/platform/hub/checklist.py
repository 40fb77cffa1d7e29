"""Implementation checklist per municipality, chosen by its situation.

The steps follow the VNG letter to municipalities after the Wet came into force. A
municipality cannot go live — no casus can be created — until every step the hub marks as
required is done (``gereed``) or does not apply (``nvt``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.models import Implementatiestap, Situatie, StapStatus
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError

__all__ = [
    "STAPPEN",
    "gereed_voor_livegang",
    "maak_checklist",
    "stappen",
    "voortgang",
    "werk_stap_bij",
]

_INTREKKEN = ("convenant_intrekken", "Trek het modelconvenant in: de Wet vervangt het.")
_VERGELIJKEN = (
    "processen_vergelijken",
    "Vergelijk de bestaande werkprocessen met de Wet en het Besluit.",
)
_AANPASSEN = (
    "processen_aanpassen",
    "Pas de werkprocessen aan aan de werkwijze van de Wet en het Besluit.",
)
_CONTACTPUNT = ("contactpunt_openen", "Stel het contactpunt open.")
_TRAINING = (
    "medewerkers_trainen",
    "Bied betrokken medewerkers opleiding en training over de omgang met persoonsgegevens.",
)

STAPPEN: dict[Situatie, tuple[tuple[str, str], ...]] = {
    Situatie.ZVH: (
        _INTREKKEN,
        (
            "zvh_vastleggen",
            "Leg vast dat de burgemeester de faciliteiten van het Zorg- en Veiligheidshuis "
            "gebruikt voor het casusoverleg.",
        ),
        (
            "zvh_afspraken",
            "Overleg met het Zorg- en Veiligheidshuis over nadere samenwerkings- en "
            "procesafspraken.",
        ),
        ("processen_herschrijven", "Herschrijf de werkprocessen naar de Wet en het Besluit."),
        _CONTACTPUNT,
        _TRAINING,
    ),
    Situatie.GEEN_CONVENANT: (_VERGELIJKEN, _AANPASSEN, _CONTACTPUNT, _TRAINING),
    Situatie.CONVENANT: (_INTREKKEN, _VERGELIJKEN, _AANPASSEN, _CONTACTPUNT, _TRAINING),
}
_KLAAR = (StapStatus.GEREED.value, StapStatus.NVT.value)


async def maak_checklist(conn: AsyncConnection, tenant_id: uuid.UUID, situatie: Situatie) -> None:
    """Create the steps for the municipality's situation (all required by default)."""
    await conn.execute(
        insert(Implementatiestap),
        [
            {"tenant_id": tenant_id, "code": code, "titel": titel, "volgorde": volgorde}
            for volgorde, (code, titel) in enumerate(STAPPEN[situatie], start=1)
        ],
    )


async def stappen(conn: AsyncConnection, tenant_id: uuid.UUID) -> list[Any]:
    """The municipality's steps (whole rows), in their order."""
    rows = await conn.execute(
        select(Implementatiestap)
        .where(Implementatiestap.tenant_id == tenant_id)
        .order_by(Implementatiestap.volgorde)
    )
    return list(rows.all())


@dataclass(frozen=True)
class StapWijziging:
    status: StapStatus
    verplicht: bool
    datum: date | None = None
    verantwoordelijke: str = ""
    documentreferentie: str = ""


async def werk_stap_bij(
    conn: AsyncConnection, tenant_id: uuid.UUID, stap_id: uuid.UUID, wijziging: StapWijziging
) -> None:
    if wijziging.status == StapStatus.GEREED and wijziging.datum is None:
        msg = "Vul de datum in waarop de stap gereed was."
        raise RegistryError(msg, "datum")
    result = await conn.execute(
        update(Implementatiestap)
        .where(Implementatiestap.id == stap_id, Implementatiestap.tenant_id == tenant_id)
        .values(
            status=wijziging.status.value,
            verplicht=wijziging.verplicht,
            datum=wijziging.datum,
            verantwoordelijke=wijziging.verantwoordelijke.strip()[:200],
            documentreferentie=wijziging.documentreferentie.strip()[:300],
        )
    )
    if result.rowcount != 1:
        msg = "Deze stap bestaat niet bij deze gemeente."
        raise RegistryError(msg, "stap")


async def gereed_voor_livegang(conn: AsyncConnection, tenant_id: uuid.UUID) -> bool:
    open_verplicht = await conn.execute(
        select(func.count()).where(
            Implementatiestap.tenant_id == tenant_id,
            Implementatiestap.verplicht.is_(True),
            Implementatiestap.status.not_in(_KLAAR),
        )
    )
    return int(open_verplicht.scalar_one()) == 0


@dataclass(frozen=True)
class Voortgang:
    tenant_id: uuid.UUID
    naam: str
    klaar: int
    totaal: int
    live: bool


async def voortgang(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Voortgang]:
    """Every municipality of the hub with its checklist progress, for one overview."""
    klaar = func.count().filter(Implementatiestap.status.in_(_KLAAR))
    open_verplicht = func.count().filter(
        Implementatiestap.verplicht.is_(True), Implementatiestap.status.not_in(_KLAAR)
    )
    rows = await conn.execute(
        select(Tenant.id, Tenant.name, klaar, func.count(Implementatiestap.id), open_verplicht)
        .outerjoin(Implementatiestap, Implementatiestap.tenant_id == Tenant.id)
        .where(Tenant.hub_id == hub_id)
        .group_by(Tenant.id, Tenant.name)
        .order_by(Tenant.name)
    )
    return [
        Voortgang(tenant_id=r[0], naam=r[1], klaar=r[2], totaal=r[3], live=r[4] == 0) for r in rows
    ]
