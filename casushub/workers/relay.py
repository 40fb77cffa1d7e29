"""The outbox relay: moves committed outbox entries of a tenant to the broker.

Each entry is enqueued with its own id as the message id, then marked relayed in the same
tenant transaction that locked it. A crash in between leaves it unmarked, so it is sent
again with the same id and the actor's ``claim_once`` makes the effect happen once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dramatiq import Message
from sqlalchemy import select

from casushub.platform.migrate.revisions import servable_tenant_revision
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry

if TYPE_CHECKING:
    from casushub.workers.runtime import Runtime

__all__ = ["active_tenants", "relay_all", "relay_tenant"]

BATCH = 500


async def relay_tenant(current: Runtime, tenant: TenantRef) -> int:
    """Enqueue the tenant's committed, unrelayed outbox entries; returns how many."""
    broker = current.broker
    async with (
        tenant_session(current.app_engine, tenant, current.settings) as session,
        session.begin(),
    ):
        entries = (
            await session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.relayed_at.is_(None))
                .order_by(OutboxEntry.created_at)
                .limit(BATCH)
                # Two relays at once (sweep and after-job) never send an entry twice.
                .with_for_update(skip_locked=True)
            )
        ).all()
        for entry in entries:
            actor = broker.get_actor(entry.actor_name)
            message: Message[None] = Message(
                queue_name=actor.queue_name,
                actor_name=entry.actor_name,
                args=(),
                kwargs=dict(entry.payload),
                options={"tenant_id": str(tenant.id)},
                message_id=str(entry.id),
            )
            # The brokers' clients block: keep the event loop free for other actors.
            await asyncio.to_thread(broker.enqueue, message)
            entry.relayed_at = datetime.now(UTC)
    return len(entries)


async def active_tenants(current: Runtime) -> list[TenantRef]:
    """The active tenants whose schema this code can serve (the daily and sweep fan-outs)."""
    async with current.app_engine.connect() as conn:
        rows = (
            await conn.execute(
                select(Tenant.id, Tenant.slug).where(
                    Tenant.status == TenantStatus.ACTIVE.value,
                    servable_tenant_revision(Tenant.schema_revision),
                )
            )
        ).all()
    return [TenantRef(row.id, row.slug) for row in rows]


async def relay_all(current: Runtime) -> int:
    """The safety net: relay every active tenant's outbox (run by the scheduler's sweep)."""
    total = 0
    for tenant in await active_tenants(current):
        total += await relay_tenant(current, tenant)
    return total
