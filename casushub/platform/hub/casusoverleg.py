"""The regional casusoverleg: which municipalities, who chairs, when it meets.

Serves the three hosting situations with one model: a ZVH hosting a region (many
municipalities), a centrumgemeente hosting its neighbours, and one municipality alone (a
casusoverleg with one member). Meetings carry no personal data; agenda items live in the
tenant schema of each casus.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.gemeenten import eigen_gemeenten
from casushub.platform.hub.models import (
    Bijeenkomst,
    Casusoverleg,
    CasusoverlegGemeente,
    TenantDeelnemer,
)
from casushub.platform.identity.models import Membership, Organisation, User
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError

__all__ = [
    "DEELNEMER_TYPES",
    "bijeenkomsten",
    "casusoverleg",
    "casusoverleggen",
    "deelnemers",
    "gemeentenamen",
    "leden_per_overleg",
    "maak_casusoverleg",
    "plan_bijeenkomst",
    "voorzitterkeuzes",
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
    found = await eigen_gemeenten(conn, hub_id, tenant_ids)
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


async def deelnemers(conn: AsyncConnection, tenant_id: uuid.UUID) -> set[uuid.UUID]:
    """The organisations that take part in the municipality's casusoverleg."""
    rows = await conn.execute(
        select(TenantDeelnemer.organisation_id).where(TenantDeelnemer.tenant_id == tenant_id)
    )
    return set(rows.scalars())


async def voorzitterkeuzes(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """Who may chair (id, name, email): a procesregisseur of one of the hub's municipalities."""
    rows = await conn.execute(
        select(User.id, User.name, User.email)
        .join(Membership, Membership.user_id == User.id)
        .join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Tenant.hub_id == hub_id, Membership.role == Role.PROCESREGISSEUR.value)
        .distinct()
        .order_by(User.name)
    )
    return list(rows.all())


async def casusoverleggen(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The hub's casusoverleggen (id, naam), by name."""
    rows = await conn.execute(
        select(Casusoverleg.id, Casusoverleg.naam)
        .where(Casusoverleg.hub_id == hub_id)
        .order_by(Casusoverleg.naam)
    )
    return list(rows.all())


async def leden_per_overleg(conn: AsyncConnection, hub_id: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """The names of the member municipalities of each of the hub's casusoverleggen."""
    rows = await conn.execute(
        select(CasusoverlegGemeente.casusoverleg_id, Tenant.name)
        .join(Tenant, Tenant.id == CasusoverlegGemeente.tenant_id)
        .where(Tenant.hub_id == hub_id)
    )
    per_overleg: dict[uuid.UUID, list[str]] = {}
    for overleg_id, naam in rows:
        per_overleg.setdefault(overleg_id, []).append(naam)
    return per_overleg


async def casusoverleg(conn: AsyncConnection, casusoverleg_id: uuid.UUID) -> Any:
    """The casusoverleg (id, naam, hub_id), or None; the caller checks its hub."""
    return (
        await conn.execute(
            select(Casusoverleg.id, Casusoverleg.naam, Casusoverleg.hub_id).where(
                Casusoverleg.id == casusoverleg_id
            )
        )
    ).first()


async def bijeenkomsten(conn: AsyncConnection, casusoverleg_id: uuid.UUID) -> list[Any]:
    """The meetings of a casusoverleg (whole rows), in time order."""
    rows = await conn.execute(
        select(Bijeenkomst)
        .where(Bijeenkomst.casusoverleg_id == casusoverleg_id)
        .order_by(Bijeenkomst.begint_op)
    )
    return list(rows.all())


async def gemeentenamen(conn: AsyncConnection, casusoverleg_id: uuid.UUID) -> list[str]:
    """The names of the casusoverleg's member municipalities, by name."""
    rows = await conn.execute(
        select(Tenant.name)
        .join(CasusoverlegGemeente, CasusoverlegGemeente.tenant_id == Tenant.id)
        .where(CasusoverlegGemeente.casusoverleg_id == casusoverleg_id)
        .order_by(Tenant.name)
    )
    return list(rows.scalars())
