"""``casushub audit verify``: every tenant's chain, each checked with that tenant's own role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select

from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.verwerkingenlog.chain import ChainReport, verify_chain

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["UnknownTenant", "verify_tenants"]


class UnknownTenant(LookupError):
    pass


async def verify_tenants(
    app_engine: AsyncEngine,
    settings: Settings,
    slug: str | None = None,
    witnesses: Mapping[str, tuple[int, str]] | None = None,
) -> list[tuple[str, ChainReport]]:
    """Verify one tenant (``slug``) or all provisioned tenants, in slug order.

    ``witnesses``: heads recorded by an earlier run, by tenant slug (see ``verify_chain``).
    """
    # A tenant being provisioned or already ended may have no schema to read.
    live = [TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value, TenantStatus.TERMINATING.value]
    query = select(Tenant.id, Tenant.slug).where(Tenant.status.in_(live))
    if slug is not None:
        query = query.where(Tenant.slug == slug)
    async with app_engine.connect() as conn:
        rows = (await conn.execute(query.order_by(Tenant.slug))).all()
    if slug is not None and not rows:
        msg = f"Onbekende gemeente {slug!r}."
        raise UnknownTenant(msg)
    reports = []
    for row in rows:
        tenant = TenantRef(row.id, row.slug)
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            witness = (witnesses or {}).get(tenant.slug)
            reports.append((tenant.slug, await verify_chain(session, witness)))
    return reports
