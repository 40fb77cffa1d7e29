"""Destruction of imported cases: those weighed 'geen actie' and those past their deadline go
in the daily job, each with a receipt; the row stays as a stub without personal data.
Unconfirmed dry runs past their time are discarded in the same run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.overgang.inlezen import PROEF_BEWAAR_UREN
from casushub.tenants.overgang.models import (
    ImportStatus,
    Overgangsimport,
    Overgangszaak,
    ZaakStatus,
)
from casushub.tenants.overgang.toegang import GEGEVENSGROEP
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many


def leeg(zaak: Overgangszaak) -> None:
    """Remove every personal field; the stub keeps the keyed source id and the dates."""
    zaak.bron_id = None
    zaak.naam = None
    zaak.geboortedatum = None
    zaak.gemeente_van_verblijf = None
    zaak.gegevens = {}


_REGEL = {
    ZaakStatus.GEEN_ACTIE.value: (
        "overgangszaak: vernietigd na weging 'geen actie' of 'valt niet onder deze wet'"
    ),
    ZaakStatus.TE_WEGEN.value: (
        "overgangszaak: vernietigd na verstrijken van de termijn voor de weging"
    ),
}


async def vernietig_verlopen(
    session: AsyncSession,
    actor: Actor,
    *,
    vandaag: date | None = None,
    batch_id: uuid.UUID | None = None,
) -> int:
    """The daily job: destroy cases weighed 'geen actie' and cases past their deadline,
    with a receipt each (kind, id, when, rule), and unconfirmed dry runs past their time."""
    tenant = session_tenant(session)
    if tenant is None:
        msg = "de vernietiging draait alleen in een tenant-sessie"
        raise RuntimeError(msg)
    vandaag = vandaag or klok.vandaag()
    batch = batch_id or new_id()
    zaken = list(
        (
            await session.execute(
                select(Overgangszaak)
                .where(
                    or_(
                        (Overgangszaak.status == ZaakStatus.GEEN_ACTIE)
                        & (Overgangszaak.destroy_on <= vandaag),
                        (Overgangszaak.status == ZaakStatus.TE_WEGEN)
                        & (Overgangszaak.weeg_uiterlijk < vandaag),
                    )
                )
                .with_for_update()
            )
        ).scalars()
    )
    nu = datetime.now(UTC)
    for zaak in zaken:
        session.add(
            Vernietigingsbewijs(
                batch_id=batch,
                tenant_id=tenant.id,
                soort="overgangszaak",
                record_id=zaak.id,
                vernietigd_op=nu,
                bewaren_tot=zaak.destroy_on or zaak.weeg_uiterlijk,
                regel=_REGEL[zaak.status],
                aantal=1,
            )
        )
        leeg(zaak)
        zaak.status = ZaakStatus.VERNIETIGD
        zaak.afgehandeld_op = zaak.afgehandeld_op or vandaag
        zaak.destroy_on = None
    await session.flush()
    if zaken:
        await record_many(
            session,
            actor,
            [
                Regel(
                    Actie.DELETE,
                    GEGEVENSGROEP,
                    "vernietiging overgangszaak",
                    detail=f"zaak:{z.id} batch:{batch}",
                )
                for z in zaken
            ],
        )
    grens = nu - timedelta(hours=PROEF_BEWAAR_UREN)
    await session.execute(
        update(Overgangsimport)
        .where(Overgangsimport.status == ImportStatus.PROEF, Overgangsimport.created_at < grens)
        .values(status=ImportStatus.VERWORPEN, rijen=[], afgerond_op=nu)
    )
    return len(zaken)
