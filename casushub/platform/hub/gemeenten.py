"""The municipalities on a hub, as the contactpunt's screens name and offer them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.models import Tenant, TenantStatus

__all__ = [
    "NIET_OP_HUB",
    "GemeenteOpHub",
    "actieve_gemeenten",
    "actieve_tenant_id",
    "alle_gemeenten",
    "eigen_gemeenten",
    "gemeente_id",
    "gemeente_met",
    "gemeente_op_hub",
    "gemeentecode",
    "gemeentecodes",
    "gemeenten_op_hub",
    "gemeentenaam",
    "hub_van",
    "tenantrij",
]

# Municipalities that are no contactpunt on the hub (yet, or any more).
NIET_OP_HUB = frozenset(
    {
        TenantStatus.PROVISIONING.value,
        TenantStatus.TERMINATING.value,
        TenantStatus.TERMINATED.value,
    }
)


async def gemeenten_op_hub(
    conn: AsyncConnection, *, hub_id: uuid.UUID | None = None, tenant_id: uuid.UUID | None = None
) -> list[tuple[str, str]]:
    """(CBS code, name) of the municipalities on a hub (or on a tenant's hub), by name."""
    if hub_id is None:
        hub_id = await conn.scalar(select(Tenant.hub_id).where(Tenant.id == tenant_id))
    rows = await conn.execute(
        select(Tenant.gemeentecode, Tenant.name)
        .where(Tenant.hub_id == hub_id, Tenant.status.not_in(NIET_OP_HUB))
        .order_by(Tenant.name)
    )
    return [(row.gemeentecode, row.name) for row in rows]


async def gemeentenaam(conn: AsyncConnection, slug: str) -> str | None:
    """The name of the municipality with this slug, if there is one."""
    return await conn.scalar(select(Tenant.name).where(Tenant.slug == slug))


@dataclass(frozen=True)
class GemeenteOpHub:
    id: uuid.UUID
    naam: str
    gemeentecode: str
    hub_id: uuid.UUID


async def gemeente_op_hub(conn: AsyncConnection, slug: str) -> GemeenteOpHub | None:
    """The municipality with this slug when it is a contactpunt on its hub (None for an
    unknown slug and for one not, or no longer, on the hub)."""
    row = (
        await conn.execute(
            select(Tenant.id, Tenant.name, Tenant.gemeentecode, Tenant.status, Tenant.hub_id).where(
                Tenant.slug == slug
            )
        )
    ).first()
    if row is None or row.status in NIET_OP_HUB:
        return None
    return GemeenteOpHub(row.id, row.name, row.gemeentecode, row.hub_id)


async def tenantrij(conn: AsyncConnection, tenant_id: uuid.UUID) -> Any:
    """The municipality's row on the platform (name, slug, status, dates: read like a
    ``Tenant``), or None."""
    return (await conn.execute(select(Tenant).where(Tenant.id == tenant_id))).first()


async def gemeentecodes(conn: AsyncConnection) -> set[str]:
    """The CBS codes of every municipality on the platform."""
    return set((await conn.execute(select(Tenant.gemeentecode))).scalars())


async def gemeentecode(conn: AsyncConnection, tenant_id: uuid.UUID) -> str | None:
    """The CBS code of this municipality."""
    return await conn.scalar(select(Tenant.gemeentecode).where(Tenant.id == tenant_id))


async def hub_van(conn: AsyncConnection, tenant_id: uuid.UUID) -> uuid.UUID | None:
    """The hub of this municipality (None for an unknown one)."""
    row = (await conn.execute(select(Tenant.hub_id).where(Tenant.id == tenant_id))).first()
    return row.hub_id if row else None


async def actieve_gemeenten(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The hub's active municipalities (their whole rows, read like a ``Tenant``), by name."""
    rows = await conn.execute(
        select(Tenant)
        .where(Tenant.hub_id == hub_id, Tenant.status == TenantStatus.ACTIVE.value)
        .order_by(Tenant.name)
    )
    return list(rows.all())


async def actieve_tenant_id(conn: AsyncConnection, slug: str) -> uuid.UUID | None:
    """The id of the active municipality with this slug."""
    return await conn.scalar(
        select(Tenant.id).where(Tenant.slug == slug, Tenant.status == TenantStatus.ACTIVE.value)
    )


async def gemeente_id(conn: AsyncConnection, slug: str) -> uuid.UUID | None:
    """The id of the municipality with this slug, whatever its status."""
    return await conn.scalar(select(Tenant.id).where(Tenant.slug == slug))


async def eigen_gemeenten(
    conn: AsyncConnection, hub_id: uuid.UUID, tenant_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``tenant_ids`` that are municipalities of this hub."""
    rows = await conn.execute(
        select(Tenant.id).where(Tenant.hub_id == hub_id, Tenant.id.in_(tenant_ids))
    )
    return set(rows.scalars())


async def gemeente_met(conn: AsyncConnection, slug: str, gemeentecode: str) -> Any:
    """A municipality that already has this slug or this CBS code (slug, gemeentecode), or
    None: checked before a new one is onboarded."""
    return (
        await conn.execute(
            select(Tenant.slug, Tenant.gemeentecode).where(
                (Tenant.slug == slug) | (Tenant.gemeentecode == gemeentecode)
            )
        )
    ).first()


async def alle_gemeenten(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """Every municipality of the hub, whatever its status (whole rows, read like a
    ``Tenant``), by name."""
    rows = await conn.execute(select(Tenant).where(Tenant.hub_id == hub_id).order_by(Tenant.name))
    return list(rows.all())
