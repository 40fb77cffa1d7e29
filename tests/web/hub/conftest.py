from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.onboarding import meld_gemeente_aan
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import Hub
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.testing import SignedIn, create_signed_in_session
from hub.hubkit import MakeTenant, aanmelding


@pytest.fixture
async def hub_id(admin_engine: AsyncEngine, hub: str) -> uuid.UUID:
    async with admin_engine.connect() as conn:
        return (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()


@pytest.fixture
async def hub_admin(admin_engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID) -> SignedIn:
    return await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.HUB_ADMIN,
        hub_id=hub_id,
        organisation_type=OrganisationType.HUB,
    )


@pytest.fixture
def make_tenant(
    admin_engine: AsyncEngine, settings: Settings, unique_code: Callable[[], str]
) -> MakeTenant:
    async def make(
        hub_id: uuid.UUID, engine: AsyncEngine | None = None, **extra: object
    ) -> TenantRef:
        return await meld_gemeente_aan(
            engine or admin_engine, settings, hub_id, aanmelding(unique_code(), **extra)
        )

    return make
