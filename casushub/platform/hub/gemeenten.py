"""The municipalities on a hub, as the contactpunt's screens name and offer them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.models import Tenant, TenantStatus

__all__ = [
    "NIET_OP_HUB",
    "GemeenteOpHub",
    "gemeente_op_hub",
    "gemeenten_op_hub",
    "gemeentenaam",
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


async def tenantrij(conn: AsyncConnection, tenant_id: uuid.UUID) -> Row[Any] | None:
    """The municipality's row on the platform (name, slug, status, dates), if it exists."""
    return (await conn.execute(select(Tenant).where(Tenant.id == tenant_id))).first()
