"""One request by id, the two ways a request service says no, and the access-log entry every
request service writes (its purpose and data group).

Kept apart from the services so that each of them (registration, consultations, restrictions,
the decision, the hand-over) can use it without importing the others.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.fouten import GeenToegang, NietGevonden
from casushub.tenants.actor import Actor
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many
from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import VerzoekStatus

GEGEVENSGROEP = "verzoek"
DOEL = "afhandeling verzoek van de betrokkene (AVG hoofdstuk III, Besluit art. 3)"
DOORZENDING = "doorzending verzoek aan het contactpunt van de gemeente van verblijf"
# The statuses of a request that still runs at this contactpunt.
LOPEND = (VerzoekStatus.ONTVANGEN, VerzoekStatus.IN_BEHANDELING)


class VerzoekNietGevonden(NietGevonden):
    def __init__(self, message: str = "Dit verzoek bestaat niet (meer).") -> None:
        super().__init__(message)


class VerzoekGeenToegang(GeenToegang):
    pass


async def verzoek(session: AsyncSession, verzoek_id: uuid.UUID) -> Verzoek:
    found = await session.get(Verzoek, verzoek_id)
    if found is None:
        raise VerzoekNietGevonden
    return found


async def gelezen(
    session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID, detail: str = ""
) -> Verzoek:
    """A request read for a screen, with its access-log entry (the person it is about)."""
    found = await verzoek(session, verzoek_id)
    await log(
        session, actor, f"verzoek={found.id}{detail}", actie=Actie.READ, persoon_id=found.persoon_id
    )
    return found


async def log(
    session: AsyncSession,
    actor: Actor,
    detail: str,
    *,
    actie: Actie = Actie.UPDATE,
    gegevensgroep: str = GEGEVENSGROEP,
    doel: str = DOEL,
    persoon_id: uuid.UUID | None = None,
    casus_id: uuid.UUID | None = None,
) -> None:
    """The access-log entry of a request service (docs/design.md §2 rule 6), in the caller's
    transaction: a change to the request unless ``actie`` and ``gegevensgroep`` say otherwise."""
    await record_many(
        session, actor, [Regel(actie, gegevensgroep, doel, casus_id, persoon_id, detail)]
    )


async def betrokkene(session: AsyncSession, found: Verzoek) -> Persoon | None:
    """The person a request is linked to (None while the contactpunt has not linked one)."""
    return await session.get(Persoon, found.persoon_id) if found.persoon_id else None
