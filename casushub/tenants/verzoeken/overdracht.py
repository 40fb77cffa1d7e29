"""A request that leaves this municipality: the forwarding receipt (ids and dates, no personal
data), the hand-over to a municipality not on the hub, and the move of a running request to
the new contactpunt after the person moved.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verzoeken.blokkade import laat_los
from casushub.tenants.verzoeken.models import (
    Doorzending,
    Verzoek,
)
from casushub.tenants.verzoeken.rules import (
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
    check_overgang,
)
from casushub.tenants.verzoeken.verzoek import (
    DOORZENDING,
    LOPEND,
    log,
    verzoek,
)


async def registreer_doorzending(
    session: AsyncSession,
    actor: Actor,
    *,
    type: VerzoekType,
    ontvangen_op: date,
    naar_gemeentecode: str,
    naar_tenant_id: uuid.UUID | None,
    nummer: str | None,
) -> Doorzending:
    """The receiving side's receipt of a forwarded request: ids and dates, no personal data."""
    receipt = Doorzending(
        type=type.value,
        ontvangen_op=ontvangen_op,
        naar_gemeentecode=naar_gemeentecode,
        naar_tenant_id=naar_tenant_id,
        ontvangstnummer=nummer,
        door=actor.user_id,
        door_organisatie=actor.organisation_id,
    )
    session.add(receipt)
    await session.flush()
    await log(
        session,
        actor,
        f"doorzending={receipt.id};naar=GM{naar_gemeentecode}",
        actie=Actie.EXPORT,
        doel=DOORZENDING,
    )
    return receipt


async def draag_over(session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID) -> Verzoek:
    """Record that a hand-over request was passed on to the other municipality."""
    found = await verzoek(session, verzoek_id)
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.OVERGEDRAGEN)
    found.status = VerzoekStatus.OVERGEDRAGEN.value
    await session.flush()
    await laat_los(session, actor, found)
    await log(
        session,
        actor,
        f"verzoek={found.id};overgedragen=GM{found.gemeente_van_verblijf}",
        actie=Actie.EXPORT,
        doel=DOORZENDING,
    )
    return found


async def zet_in_overdracht(
    session: AsyncSession, actor: Actor, verzoek_id: uuid.UUID, *, gemeentecode: str, tekst: str
) -> Verzoek:
    """The person moved to a municipality not on the hub: pass the running request on."""
    found = await verzoek(session, verzoek_id)
    check_overgang(VerzoekStatus(found.status), VerzoekStatus.OVERDRACHT)
    found.status = VerzoekStatus.OVERDRACHT.value
    found.gemeente_van_verblijf = gemeentecode
    found.overdracht_aan = tekst
    await session.flush()
    await log(
        session,
        actor,
        f"verzoek={found.id};overdracht=GM{gemeentecode}",
        persoon_id=found.persoon_id,
    )
    return found


async def vervang_door_doorzending(
    session: AsyncSession,
    actor: Actor,
    verzoek_id: uuid.UUID,
    *,
    naar_gemeentecode: str,
    naar_tenant_id: uuid.UUID,
) -> Doorzending:
    """After a move the request lives at the new contactpunt: keep only a receipt here."""
    found = await verzoek(session, verzoek_id)
    if found.status not in (*LOPEND, VerzoekStatus.OVERDRACHT):
        msg = "Alleen een lopend verzoek gaat mee naar de nieuwe gemeente van verblijf."
        raise VerzoekRegelFout(msg)
    await laat_los(session, actor, found)
    receipt = await registreer_doorzending(
        session,
        actor,
        type=VerzoekType(found.type),
        ontvangen_op=found.ontvangen_op,
        naar_gemeentecode=naar_gemeentecode,
        naar_tenant_id=naar_tenant_id,
        nummer=found.ontvangstnummer,
    )
    # Its consultations, extensions and personal fields go with the row (ON DELETE CASCADE).
    await session.delete(found)
    await session.flush()
    return receipt
