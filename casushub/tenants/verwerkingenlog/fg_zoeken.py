"""The FG finds a casus by the person's name before asking "wie heeft casus N gezien".

The FG knows a casus by whom it is about, not by its key. The search shows name, date of
birth, status and intake date of at most :data:`MAX_TREFFERS` casussen; every row shown is a
read of personal data and logged as such, and so is the search itself (without its terms).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.zoeken import bevat
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many

__all__ = ["MAX_TREFFERS", "CasusTreffer", "casussen_op_naam"]

MAX_TREFFERS = 25
FG_ROL = "fg_auditor"


@dataclass(frozen=True)
class CasusTreffer:
    casus_id: uuid.UUID
    persoon_id: uuid.UUID
    naam: str
    geboortedatum: date | None
    status: str
    intake_datum: date | None


async def casussen_op_naam(
    session: AsyncSession,
    actor: Actor,
    naam: str,
    *,
    doel: str = "toezicht functionaris gegevensbescherming: casus zoeken op naam",
) -> list[CasusTreffer]:
    """The casussen whose person's name or alias contains ``naam`` (at least two letters)."""
    if actor.role != FG_ROL:
        raise GeenToegang("Zoeken op naam in het verwerkingenlog is voor de FG.")
    gezocht = naam.strip()[:200]
    if len(gezocht) < 2:
        raise RegelFout("Vul minstens twee letters van de naam in.", "naam")
    rows = await session.execute(
        select(
            Casus.id,
            Persoon.id,
            Persoon.naam,
            Persoon.geboortedatum,
            Casus.status,
            Casus.intake_datum,
        )
        .join(Persoon, Persoon.id == Casus.persoon_id)
        .where(
            or_(
                bevat(Persoon.naam, gezocht),
                bevat(cast(Persoon.aliassen, String), gezocht),
            )
        )
        .order_by(Persoon.naam, Casus.intake_datum, Casus.id)
        .limit(MAX_TREFFERS)
    )
    treffers = [CasusTreffer(*row) for row in rows]
    await record_many(
        session,
        actor,
        [
            Regel(Actie.READ, "casus", doel, detail=f"zoeken op naam: {len(treffers)} treffers"),
            *(
                Regel(Actie.READ, "casus", doel, casus_id=t.casus_id, persoon_id=t.persoon_id)
                for t in treffers
            ),
        ],
    )
    return treffers
