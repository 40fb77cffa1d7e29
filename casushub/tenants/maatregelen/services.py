"""Announcing a national measure of the Minister of JenV, and the municipality's decision.

The JenV participant announces the measure to the casusoverleg before it is taken; the gemeente
(regie) decides how it fits the plan van aanpak — take it into the plan as an intervention
under the Minister's own power, or take note of it — with a reason, so the municipality keeps
the regie. Nothing is decided for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.rules import Status
from casushub.tenants.casus.toegang import laad_toegankelijke_casus, log
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.maatregelen.rules import (
    JENV,
    Besluit,
    controleer_aankondiging,
    controleer_besluit,
    vereis_jenv,
)
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.plan.services import InterventieInvoer, voeg_interventie_toe
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "OpenMaatregel",
    "aantal_open",
    "besluit_over",
    "kondig_aan",
    "lees_maatregel",
    "maatregelen_van_casus",
    "open_maatregelen",
]

GEGEVENSGROEP = "plan"
# Roles of the municipality itself: the regie decides, not the hub acting for it.
BESLISSER = "gemeente_regie"


def _vereis_gemeente(actor: Actor) -> None:
    if actor.role != BESLISSER:
        raise GeenToegang(
            "Alleen de gemeente (regie) besluit hoe een maatregel van de minister in het plan "
            "van aanpak past."
        )


async def kondig_aan(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    omschrijving: str,
    bevoegdheid: str,
    voorgenomen_op: date | None,
    vandaag: date | None = None,
) -> VoorgenomenMaatregel:
    """The JenV participant of this casus announces a measure before it is taken."""
    vereis_jenv(actor)
    vandaag = vandaag or klok.vandaag()
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is afgesloten.", "omschrijving")
    controleer_aankondiging(
        omschrijving=omschrijving,
        bevoegdheid=bevoegdheid,
        voorgenomen_op=voorgenomen_op,
        vandaag=vandaag,
    )
    await controleer_persoonsvelden(
        session, {"omschrijving": omschrijving, "bevoegdheid": bevoegdheid}
    )
    assert actor.organisation_id is not None  # vereis_jenv  # noqa: S101 - narrowing only
    maatregel = VoorgenomenMaatregel(
        casus_id=casus.id,
        organisatie_id=actor.organisation_id,
        omschrijving=omschrijving.strip(),
        bevoegdheid=bevoegdheid.strip(),
        voorgenomen_op=voorgenomen_op,
        aangekondigd_op=vandaag,
        aangekondigd_door=actor.user_id,
    )
    session.add(maatregel)
    await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        GEGEVENSGROEP,
        "maatregel minister aankondigen",
        casus_id=casus.id,
        detail=f"maatregel={maatregel.id}",
    )
    return maatregel


async def maatregelen_van_casus(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> list[VoorgenomenMaatregel]:
    """The announced measures of a casus, newest first, for those who may see the casus."""
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    rows = await session.scalars(
        select(VoorgenomenMaatregel)
        .where(VoorgenomenMaatregel.casus_id == casus.id)
        .order_by(VoorgenomenMaatregel.created_at.desc(), VoorgenomenMaatregel.id)
    )
    lijst = list(rows)
    await log(session, actor, Actie.READ, GEGEVENSGROEP, "maatregelen minister", casus_id=casus.id)
    return lijst


async def aantal_open(session: AsyncSession) -> int:
    """How many announced measures wait for the municipality's decision (a count only)."""
    return int(
        await session.scalar(
            select(func.count(VoorgenomenMaatregel.id)).where(
                VoorgenomenMaatregel.besluit.is_(None)
            )
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class OpenMaatregel:
    maatregel: VoorgenomenMaatregel
    naam: str


async def open_maatregelen(session: AsyncSession, actor: Actor) -> list[OpenMaatregel]:
    """The measures waiting for a decision, with whom they concern (regie only)."""
    _vereis_gemeente(actor)
    rows = await session.execute(
        select(VoorgenomenMaatregel, Persoon.naam)
        .join(Casus, Casus.id == VoorgenomenMaatregel.casus_id)
        .join(Persoon, Persoon.id == Casus.persoon_id)
        .where(VoorgenomenMaatregel.besluit.is_(None))
        .order_by(VoorgenomenMaatregel.aangekondigd_op, VoorgenomenMaatregel.id)
    )
    lijst = [OpenMaatregel(m, naam) for m, naam in rows.all()]
    for casus_id in sorted({o.maatregel.casus_id for o in lijst}):
        await log(
            session, actor, Actie.READ, GEGEVENSGROEP, "maatregelen minister", casus_id=casus_id
        )
    return lijst


async def lees_maatregel(
    session: AsyncSession, actor: Actor, maatregel_id: uuid.UUID
) -> tuple[VoorgenomenMaatregel, str]:
    """One measure and whom it concerns, for those who may see its casus."""
    maatregel = await session.get(VoorgenomenMaatregel, maatregel_id)
    if maatregel is None:
        raise NietGevonden("Deze maatregel bestaat niet (meer).")
    casus = await laad_toegankelijke_casus(session, actor, maatregel.casus_id)
    persoon = await session.get(Persoon, casus.persoon_id)
    await log(
        session,
        actor,
        Actie.READ,
        GEGEVENSGROEP,
        "maatregel minister",
        casus_id=casus.id,
        detail=f"maatregel={maatregel.id}",
    )
    return maatregel, persoon.naam if persoon else ""


async def besluit_over(
    session: AsyncSession,
    actor: Actor,
    maatregel_id: uuid.UUID,
    *,
    besluit: str,
    reden: str,
    vandaag: date | None = None,
) -> VoorgenomenMaatregel:
    """The gemeente (regie) decides: take it into the plan as an intervention of JenV under
    the Minister's own power, or take note of it. Once, with a reason."""
    _vereis_gemeente(actor)
    vandaag = vandaag or klok.vandaag()
    maatregel = await session.get(VoorgenomenMaatregel, maatregel_id, with_for_update=True)
    if maatregel is None:
        raise NietGevonden("Deze maatregel bestaat niet (meer).")
    casus = await laad_toegankelijke_casus(session, actor, maatregel.casus_id)
    gekozen = controleer_besluit(
        besluit=besluit, reden=reden, al_besloten=maatregel.besluit is not None
    )
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is afgesloten.", "besluit")
    await controleer_persoonsvelden(session, {"reden": reden})
    if gekozen is Besluit.OPNEMEN:
        interventie = await voeg_interventie_toe(
            session,
            actor,
            casus.id,
            InterventieInvoer(
                omschrijving=maatregel.omschrijving,
                domein="bestuurlijk",
                verantwoordelijke_id=maatregel.organisatie_id,
                verantwoordelijke_type=JENV,
                bevoegdheid=maatregel.bevoegdheid,
                deadline=maatregel.voorgenomen_op,
            ),
        )
        maatregel.interventie_id = interventie.id
    maatregel.besluit = gekozen
    maatregel.besluit_reden = reden.strip()
    maatregel.besloten_op = vandaag
    maatregel.besloten_door = actor.user_id
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        GEGEVENSGROEP,
        "besluit over maatregel minister",
        casus_id=casus.id,
        detail=f"maatregel={maatregel.id} besluit={gekozen}",
    )
    return maatregel
