"""Helpers shared by the privacy tests (imported by module name: tests are not a package)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import GENESIS, entry_hash, record

FreshTenant = Callable[[], Awaitable[TenantRef]]
"""The ``fresh_tenant`` fixture: a newly provisioned tenant of the test's own."""

ACTOR = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="gemeente_regie")


async def write_entries(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, count: int
) -> list[uuid.UUID]:
    """``count`` read entries on fresh casus ids; returns the casus ids."""
    casus_ids = [uuid.uuid4() for _ in range(count)]
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        for casus_id in casus_ids:
            await record(
                session,
                ACTOR,
                actie=Actie.READ,
                gegevensgroep="casus",
                doel="uitvoering casusoverleg",
                casus_id=casus_id,
            )
    return casus_ids


async def append_backdated(
    admin_engine: AsyncEngine, tenant: TenantRef, when: list[datetime]
) -> None:
    """Append correctly chained entries with the given times (as the owner: only tests and the
    benchmark write the log's past)."""
    bound = admin_engine.execution_options(schema_translate_map={None: tenant.schema})
    async with AsyncSession(bound) as session, session.begin():
        last = (
            await session.execute(
                select(Verwerking.volgnummer, Verwerking.hash)
                .order_by(Verwerking.volgnummer.desc())
                .limit(1)
            )
        ).first()
        number, previous = (last[0], last[1]) if last else (0, GENESIS)
        for moment in when:
            number += 1
            entry = Verwerking(
                volgnummer=number,
                tijdstip=moment,
                user_id=ACTOR.user_id,
                organisation_id=ACTOR.organisation_id,
                rol=ACTOR.role,
                casus_id=uuid.uuid4(),
                persoon_id=None,
                gegevensgroep="casus",
                actie=Actie.READ.value,
                doel="uitvoering casusoverleg",
                request_id=None,
                detail=None,
                vorige_hash=previous,
            )
            entry.hash = previous = entry_hash(entry)
            session.add(entry)
