"""Carrying out a granted erasure or objection with the workflow's own destruction.

``vernietig_casus`` and ``vernietig_signaal`` remove everything of a casus or signal (person,
derden, items and files, plan, minutes, invitations); this module decides *what* goes for
one person and leaves a log entry without personal data. Legal holds were weighed in the
decision itself: a court case is a reason to refuse the erasure, not to postpone it here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import vernietig_casus
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import vernietig_signaal
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken.models import Besluit, InzageBeperking
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
    check_overgang,
)
from casushub.tenants.verzoeken.services import DOEL, GEGEVENSGROEP, laat_los, verzoek

__all__ = ["UITVOERBAAR", "voer_uit"]

UITVOERBAAR = frozenset({VerzoekType.VERWIJDERING, VerzoekType.BEZWAAR})


async def voer_uit(session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID) -> int:
    """Destroy the person's casussen and signals after a granted erasure or objection.

    Returns how many casussen and signals were destroyed.
    """
    found = await verzoek(session, verzoek_id)
    if found.type not in UITVOERBAAR:
        msg = "Alleen een toegewezen verwijderverzoek of bezwaar wordt zo uitgevoerd."
        raise VerzoekRegelFout(msg)
    besluit = await session.scalar(select(Besluit).where(Besluit.verzoek_id == found.id))
    if besluit is None or besluit.uitkomst == Besluituitkomst.AFGEWEZEN:
        msg = "Er is geen besluit dat het verzoek toewijst."
        raise VerzoekRegelFout(msg)
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.UITGEVOERD)
    persoon_id = found.persoon_id
    if persoon_id is None:
        msg = "Koppel het verzoek eerst aan de persoon in uw gemeente."
        raise VerzoekRegelFout(msg, "persoon")
    # This request's own hold must not stop the erasure it asked for; other holds were
    # weighed in the decision.
    await laat_los(session, actor, found)
    casussen = (await session.scalars(select(Casus.id).where(Casus.persoon_id == persoon_id))).all()
    for casus_id in casussen:
        await vernietig_casus(session, casus_id)
    signalen = (
        await session.scalars(select(Signaal.id).where(Signaal.persoon_id == persoon_id))
    ).all()
    for signaal_id in signalen:
        await vernietig_signaal(session, signaal_id)
    await session.execute(delete(InzageBeperking).where(InzageBeperking.persoon_id == persoon_id))
    found.status = VerzoekStatus.UITGEVOERD.value
    found.persoon_id = None
    besluit.uitgevoerd_op = datetime.now(UTC)
    await session.flush()
    await record(
        session,
        actor,
        actie=Actie.DELETE,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        detail=(
            f"verzoek={found.id};type={found.type};casussen={len(casussen)};"
            f"signalen={len(signalen)}"
        ),
    )
    return len(casussen) + len(signalen)
