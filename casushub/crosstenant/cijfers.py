"""The hub's figures: each municipality's, read in its own session and role, then summed.

Only the municipalities the caller passes (those whose processor agreement runs) are read;
each reading is logged in that municipality's own access log.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.cijfers.rules import Cijfers
from casushub.tenants.cijfers.services import log_inzage, verzamel

__all__ = ["cijfers_per_gemeente"]


async def cijfers_per_gemeente(
    engine: AsyncEngine,
    settings: Settings,
    actor: Actor,
    gemeenten: Sequence[TenantRef],
    *,
    jaar: int,
    bron_types: Mapping[uuid.UUID, str],
    download: bool = False,
) -> dict[uuid.UUID, Cijfers]:
    uit: dict[uuid.UUID, Cijfers] = {}
    for gemeente in gemeenten:
        async with tenant_session(engine, gemeente, settings) as session, session.begin():
            uit[gemeente.id] = await verzamel(session, actor, jaar=jaar, bron_types=bron_types)
            await log_inzage(session, actor, jaar=jaar, download=download)
    return uit
