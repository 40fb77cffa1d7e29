"""The regional casusoverleg: which municipalities, who chairs, when it meets.

Serves the three hosting situations with one model: a ZVH hosting a region (many
municipalities), a centrumgemeente hosting its neighbours, and one municipality alone (a
casusoverleg with one member). Meetings carry no personal data; agenda items live in the
tenant schema of each casus.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.models import (
    Bijeenkomst,
    Casusoverleg,
    CasusoverlegGemeente,
    TenantDeelnemer,
)
from casushub.platform.identity.models import Organisation
from casushub.platform.identity.roles import OrganisationType
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError

__all__ = [
    "DEELNEMER_TYPES",
    "maak_casusoverleg",
    "plan_bijeenkomst",
    "zet_deelnemers",
]

# The statutory participants (art. 2 of the Wet); satellite partners are invited per casus.
DEELNEMER_TYPES = frozenset(
    {
        OrganisationType.GEMEENTE,
        OrganisationType.POLITIE,
        OrganisationType.OM,
        OrganisationType.RECLASSERING,
        OrganisationType.RVDK,
        OrganisationType.JENV,
    }
)


async def _tenants_of_hub(
    conn: AsyncConnection, hub_id: uuid.UUID, tenant_ids: list[uuid.UUID]
) -> None:
    found = set(
        (
            await conn.execute(
                select(Tenant.id).where(Tenant.hub_id == hub_id, Tenant.id.in_(tenant_ids))
            )
        ).scalars()
    )
    if not tenant_ids or found != set(tenant_ids):
        msg = "Kies een of meer gemeenten van deze hub."
        raise RegistryError(msg, "gemeenten")


async def maak_casusoverleg(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    naam: str,
    tenant_ids: list[uuid.UUID],
    voorzitter_id: uuid.UUID | None = None,
) -> uuid.UUID:
    naam = naam.strip()
    if not naam or len(naam) > 200:
        msg = "Geef het casusoverleg een naam van hooguit 200 tekens, bijvoorbeeld ‘Regio Noord’."
        raise RegistryError(msg, "naam")
    await _tenants_of_hub(conn, hub_id, tenant_ids)
    bestaand = await conn.execute(
        select(Casusoverleg.id).where(Casusoverleg.hub_id == hub_id, Casusoverleg.naam == naam)
    )
    if bestaand.first() is not None:
        msg = "Deze hub heeft al een casusoverleg met die naam."
        raise RegistryError(msg, "naam")
    overleg_id = (
        await conn.execute(
            insert(Casusoverleg)
            .values(hub_id=hub_id, naam=naam, voorzitter_id=voorzitter_id)
            .returning(Casusoverleg.id)
        )
    ).scalar_one()
    await conn.execute(
        insert(CasusoverlegGemeente),
        [{"casusoverleg_id": overleg_id, "tenant_id": t} for t in tenant_ids],
    )
    return overleg_id


async def plan_bijeenkomst(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    casusoverleg_id: uuid.UUID,
    begint_op: datetime,
    eindigt_op: datetime,
    locatie: str = "",
    videolink: str = "",
) -> uuid.UUID:
    eigen = await conn.execute(
        select(Casusoverleg.id).where(
            Casusoverleg.id == casusoverleg_id, Casusoverleg.hub_id == hub_id
        )
    )
    if eigen.first() is None:
        msg = "Onbekend casusoverleg."
        raise RegistryError(msg, "casusoverleg")
    if begint_op.tzinfo is None or eindigt_op.tzinfo is None:
        msg = "Geef begin en einde met tijdzone op."
        raise RegistryError(msg, "begint_op")
    if eindigt_op <= begint_op:
        msg = "Het einde van de bijeenkomst moet na het begin liggen."
        raise RegistryError(msg, "eindigt_op")
    if videolink and not videolink.startswith("https://"):
        msg = "Een videolink begint met https://."
        raise RegistryError(msg, "videolink")
    if not locatie.strip() and not videolink:
        msg = "Vul een locatie of een videolink in."
        raise RegistryError(msg, "locatie")
    return (
        await conn.execute(
            insert(Bijeenkomst)
            .values(
                casusoverleg_id=casusoverleg_id,
                begint_op=begint_op,
                eindigt_op=eindigt_op,
                locatie=locatie.strip()[:300],
                videolink=videolink[:500],
            )
            .returning(Bijeenkomst.id)
        )
    ).scalar_one()


async def zet_deelnemers(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    tenant_id: uuid.UUID,
    organisation_ids: list[uuid.UUID],
) -> None:
    """Set which statutory participants take part in the municipality's casusoverleg."""
    await _tenants_of_hub(conn, hub_id, [tenant_id])
    rows = (
        await conn.execute(
            select(Organisation.id, Organisation.type).where(Organisation.id.in_(organisation_ids))
        )
    ).all()
    if len(rows) != len(set(organisation_ids)):
        msg = "Onbekende organisatie gekozen."
        raise RegistryError(msg, "organisaties")
    if any(OrganisationType(t) not in DEELNEMER_TYPES for _, t in rows):
        msg = (
            "Satellietpartners nemen niet vast deel: zij worden per casus uitgenodigd door de "
            "procesregisseur."
        )
        raise RegistryError(msg, "organisaties")
    await conn.execute(delete(TenantDeelnemer).where(TenantDeelnemer.tenant_id == tenant_id))
    if organisation_ids:
        await conn.execute(
            insert(TenantDeelnemer),
            [{"tenant_id": tenant_id, "organisation_id": o} for o in set(organisation_ids)],
        )
