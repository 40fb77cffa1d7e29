"""What happened to a casus and who did it: its history, read from the access log.

Every change to a casus is written to the access log (rule 6) with user, organisation, role
and purpose, in the same transaction as the change itself, so the log is the one complete and
tamper-evident account of its course; a second history table would only be a copy that can
disagree. Reads are left out here (the FG answers "who saw it"); the summary of the casus
(status, flags, the meetings it is on) sits beside it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.services import CasusRegel, lees_casus
from casushub.tenants.casus.toegang import laad_casus
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verzoeken.models import InzageBeperking
from casushub.tenants.verzoeken.rules import Beperkingsstatus

__all__ = ["Gebeurtenis", "Samenvatting", "geschiedenis", "samenvatting"]

# Writes only: what changed the casus (a read is in the FG's overview, not in its course).
_WIJZIGINGEN = [Actie.CREATE, Actie.UPDATE, Actie.DELETE, Actie.EXPORT, Actie.PRINT]
_GROEPEN = {
    "signaal": "Signaal",
    "weging": "Weging",
    "casus": "Casus",
    "informatie": "Informatie",
    "bijlage": "Bijlage",
    "plan": "Plan van aanpak",
    "interventie": "Interventie",
    "herbeoordeling": "Herbeoordeling",
    "verhuizing": "Verhuizing",
    "uitnodiging": "Uitnodiging",
    "agenda": "Agenda",
    "notulen": "Notulen",
    "derde": "Betrokken persoon",
    "persoon": "Persoon",
}
_GRENS = 500


@dataclass(frozen=True, slots=True)
class Gebeurtenis:
    tijdstip: datetime
    wat: str
    user_id: uuid.UUID | None
    organisatie_id: uuid.UUID | None
    rol: str


async def geschiedenis(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> tuple[CasusRegel, list[Gebeurtenis]]:
    """The casus (a checked, logged read) and its changes, newest first: from the signal and
    the weging about the person up to today."""
    casus = await lees_casus(session, actor, casus_id, doel="verloop casus")
    rij = await laad_casus(session, casus_id)
    rows = await session.execute(
        select(
            Verwerking.tijdstip,
            Verwerking.gegevensgroep,
            Verwerking.doel,
            Verwerking.user_id,
            Verwerking.organisation_id,
            Verwerking.rol,
        )
        .where(
            or_(Verwerking.casus_id == rij.id, Verwerking.persoon_id == rij.persoon_id),
            Verwerking.actie.in_([a.value for a in _WIJZIGINGEN]),
        )
        .order_by(Verwerking.volgnummer.desc())
        .limit(_GRENS)
    )
    return casus, [
        Gebeurtenis(
            tijdstip,
            f"{_GROEPEN.get(groep, groep.capitalize())}: {doel}",
            user_id,
            organisatie_id,
            rol,
        )
        for tijdstip, groep, doel, user_id, organisatie_id, rol in rows
    ]


@dataclass(frozen=True, slots=True)
class Samenvatting:
    """What the first screen of a casus shows besides its row: the regie municipality and
    whether inzage is restricted for its person."""

    casus: CasusRegel
    regie_gemeente: str
    inzage_beperkt: bool


async def samenvatting(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, doel: str = "casusoverleg"
) -> Samenvatting:
    casus = await lees_casus(session, actor, casus_id, doel=doel)
    rij = await laad_casus(session, casus_id)
    beperkt = await session.scalar(
        select(InzageBeperking.id)
        .where(
            InzageBeperking.persoon_id == rij.persoon_id,
            InzageBeperking.status == Beperkingsstatus.ACTIEF,
        )
        .limit(1)
    )
    return Samenvatting(casus, rij.regie_gemeente, beperkt is not None)
