"""Fixtures of the contactpunt screen tests: an app with generous limits, its client and a
municipality of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from contactpunt.contactpuntkit import Client, contactpunt_app, open_client


@pytest.fixture(scope="module")
def ruim_app(settings: Settings) -> Litestar:
    # Generous limits, so these tests do not trip the limiter test_publiek_misbruik.py checks.
    return contactpunt_app(settings, contactpunt_limiet_client=1000, contactpunt_limiet_email=1000)


@pytest.fixture
async def client(ruim_app: Litestar, settings: Settings) -> AsyncIterator[Client]:
    async for client in open_client(ruim_app, settings):
        yield client


@pytest.fixture
async def gemeente(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> TenantRef:
    code = unique_code()
    return await create_tenant(
        admin_engine,
        settings,
        slug=f"cp{code}",
        name=f"Gemeente Cp{code}",
        gemeentecode=code,
        hub_slug=hub,
    )
