"""The transition list: imported cases waiting for their weging under the Wet, the counts for
the werkruimte, and the reminders when a deadline comes near.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden
from casushub.tenants.casus.models import Casus
from casushub.tenants.overgang.models import (
    Overgangszaak,
    ZaakStatus,
)
from casushub.tenants.overgang.toegang import (
    GEGEVENSGROEP,
    vereis_regie,
)
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record, record_many

HERINNER_DAGEN = 14
"""The regie is reminded once when a case's deadline is this close."""


@dataclass(frozen=True, slots=True)
class Telling:
    te_wegen: int
    bijna_verlopen: int
    te_vernietigen: int


async def telling(session: AsyncSession, vandaag: date | None = None) -> Telling:
    """Counts for the werkruimte block (no personal data)."""
    vandaag = vandaag or klok.vandaag()
    rows = dict(
        (
            await session.execute(
                select(Overgangszaak.status, func.count()).group_by(Overgangszaak.status)
            )
        ).all()
    )
    bijna = await session.scalar(
        select(func.count()).where(
            Overgangszaak.status == ZaakStatus.TE_WEGEN,
            Overgangszaak.weeg_uiterlijk <= vandaag + timedelta(days=HERINNER_DAGEN),
        )
    )
    return Telling(
        te_wegen=int(rows.get(ZaakStatus.TE_WEGEN.value, 0)),
        bijna_verlopen=int(bijna or 0),
        te_vernietigen=int(rows.get(ZaakStatus.GEEN_ACTIE.value, 0)),
    )


async def overgangslijst(session: AsyncSession, actor: Actor) -> list[Overgangszaak]:
    """The cases still waiting (for a weging, or for tonight's destruction), by deadline."""
    vereis_regie(actor)
    zaken = list(
        (
            await session.execute(
                select(Overgangszaak)
                .where(Overgangszaak.status.in_([ZaakStatus.TE_WEGEN, ZaakStatus.GEEN_ACTIE]))
                .order_by(Overgangszaak.weeg_uiterlijk, Overgangszaak.naam)
            )
        ).scalars()
    )
    await record_many(
        session,
        actor,
        [Regel(Actie.READ, GEGEVENSGROEP, "overgangslijst", detail=f"zaak:{z.id}") for z in zaken],
    )
    return zaken


async def lees_zaak(session: AsyncSession, actor: Actor, zaak_id: uuid.UUID) -> Overgangszaak:
    vereis_regie(actor)
    zaak = await session.get(Overgangszaak, zaak_id)
    if zaak is None or zaak.naam is None:
        raise NietGevonden("Deze zaak bestaat niet (meer).")
    await record(
        session,
        actor,
        actie=Actie.READ,
        gegevensgroep=GEGEVENSGROEP,
        doel="weging overgangszaak",
        detail=f"zaak:{zaak.id}",
    )
    return zaak


async def herinneringen(session: AsyncSession, vandaag: date | None = None) -> int:
    """Mark the cases whose deadline is near and not yet announced; returns how many.

    The caller mails the regie once per day with any (a fixed text and a link, no data).
    """
    vandaag = vandaag or klok.vandaag()
    resultaat = await session.execute(
        update(Overgangszaak)
        .where(
            Overgangszaak.status == ZaakStatus.TE_WEGEN,
            Overgangszaak.herinnerd.is_(False),
            Overgangszaak.weeg_uiterlijk <= vandaag + timedelta(days=HERINNER_DAGEN),
        )
        .values(herinnerd=True)
        .returning(Overgangszaak.id)
    )
    return len(list(resultaat.scalars()))


async def casus_van(session: AsyncSession, zaak_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(
        select(Casus.id)
        .join(Overgangszaak, Overgangszaak.casus_id == Casus.id)
        .where(Overgangszaak.id == zaak_id)
    )
