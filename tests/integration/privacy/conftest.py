"""Fixtures for the privacy tests: tenants of their own, so tampering never leaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from privacykit import FreshTenant
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef


@pytest.fixture
def fresh_tenant(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> FreshTenant:
    async def make() -> TenantRef:
        code = unique_code()
        return await create_tenant(
            admin_engine,
            settings,
            slug=f"priv_{code}",
            name=f"Gemeente Privacy {code}",
            gemeentecode=code,
            hub_slug=hub,
        )

    return make
