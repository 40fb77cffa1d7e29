"""One request by id, the two ways a request service says no, and the purpose and data group
every request service writes in the access log.

Kept apart from the services so that each of them (registration, consultations, restrictions,
the decision, the hand-over) can use it without importing the others.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.verzoeken.models import Verzoek
from casushub.tenants.verzoeken.rules import VerzoekStatus

GEGEVENSGROEP = "verzoek"
DOEL = "afhandeling verzoek van de betrokkene (AVG hoofdstuk III, Besluit art. 3)"
# The statuses of a request that still runs at this contactpunt.
LOPEND = (VerzoekStatus.ONTVANGEN, VerzoekStatus.IN_BEHANDELING)


class VerzoekNietGevonden(LookupError):
    def __init__(self, message: str = "Dit verzoek bestaat niet (meer).") -> None:
        super().__init__(message)
        self.message = message


class VerzoekGeenToegang(PermissionError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def verzoek(session: AsyncSession, verzoek_id: uuid.UUID) -> Verzoek:
    found = await session.get(Verzoek, verzoek_id)
    if found is None:
        raise VerzoekNietGevonden
    return found
