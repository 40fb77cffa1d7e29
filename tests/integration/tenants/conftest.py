"""Fixtures for the casusoverleg service tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from casusfabriek import Organisaties, Sessie
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session


@pytest.fixture
def orgs() -> Organisaties:
    return Organisaties(*(uuid.uuid4() for _ in range(5)))


@pytest.fixture
def sessie(app_engine: AsyncEngine, settings: Settings) -> Sessie:
    """One tenant transaction, committed at the end of the block."""

    @asynccontextmanager
    async def open_(tenant: TenantRef) -> AsyncIterator[AsyncSession]:
        async with tenant_session(app_engine, tenant, settings) as session, session.begin():
            yield session

    return open_
