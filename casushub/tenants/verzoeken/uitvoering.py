"""Carrying out a granted erasure with the retention's own destruction and receipts.

``vernietig_casussen`` and ``vernietig_signalen`` (the services the retention sweep uses)
remove everything of a casus or signal (person, derden, items and files, plan, minutes,
invitations); this module decides *what* goes for one person, leaves a deletion receipt per
record (``Vernietigingsbewijs``, no personal data) under one batch id kept on the decision,
and a log entry without personal data. Legal holds were weighed in the decision itself: a
court case is a reason to refuse the erasure, not to postpone it here.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.vernietiging import vernietig_casussen
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import vernietig_signalen
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken.blokkade import laat_los
from casushub.tenants.verzoeken.models import Besluit, InzageBeperking
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
    check_overgang,
)
from casushub.tenants.verzoeken.verzoek import DOEL, GEGEVENSGROEP, verzoek

__all__ = ["UITVOERBAAR", "bewijzen", "omvang", "voer_uit"]

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
    signalen = (
        await session.scalars(select(Signaal.id).where(Signaal.persoon_id == persoon_id))
    ).all()
    await vernietig_casussen(session, casussen)
    await vernietig_signalen(session, signalen)
    await session.execute(delete(InzageBeperking).where(InzageBeperking.persoon_id == persoon_id))
    found.persoon_id = None
    await session.flush()
    # The person's record itself, when no casus or signal took it along.
    persoon = await session.get(Persoon, persoon_id)
    if persoon is not None:
        await session.delete(persoon)
    nu = klok.nu()
    batch_id = new_id()
    tenant = session_tenant(session)
    if tenant is None:
        msg = "de uitvoering draait alleen in een tenant-sessie"
        raise RuntimeError(msg)
    regel = f"Verwijderverzoek {found.ontvangstnummer} toegewezen (art. 17 AVG)"
    await session.execute(
        insert(Vernietigingsbewijs),
        [
            {
                "batch_id": batch_id,
                "tenant_id": tenant.id,
                "soort": soort,
                "record_id": record_id,
                "vernietigd_op": nu,
                "bewaren_tot": None,
                "regel": regel,
                "aantal": 1,
            }
            for soort, record_id in (
                *(("casus", c) for c in casussen),
                *(("signaal", s) for s in signalen),
                ("persoon", persoon_id),
            )
        ],
    )
    found.status = VerzoekStatus.UITGEVOERD.value
    besluit.uitgevoerd_op = nu
    besluit.vernietiging_batch_id = batch_id
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


async def bewijzen(session: AsyncSession, batch_id: uuid.UUID) -> list[Vernietigingsbewijs]:
    """The deletion receipts an erasure left (no personal data)."""
    return list(
        (
            await session.scalars(
                select(Vernietigingsbewijs)
                .where(Vernietigingsbewijs.batch_id == batch_id)
                .order_by(Vernietigingsbewijs.soort, Vernietigingsbewijs.record_id)
            )
        ).all()
    )


async def omvang(session: AsyncSession, persoon_id: uuid.UUID) -> dict[str, int]:
    """What an erasure of this person would destroy: how many casussen and signals."""
    casussen = await session.scalar(
        select(func.count()).select_from(Casus).where(Casus.persoon_id == persoon_id)
    )
    signalen = await session.scalar(
        select(func.count()).select_from(Signaal).where(Signaal.persoon_id == persoon_id)
    )
    return {"casussen": casussen or 0, "signalen": signalen or 0}
