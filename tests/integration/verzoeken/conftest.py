"""Fixtures for the contactpunt tests: fresh municipalities, organisations, tenant sessions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from verzoeken_casusdata import Gemeente, GemeenteFactory, Organisaties

from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings


@pytest.fixture
def organisaties() -> Organisaties:
    return Organisaties()


@pytest.fixture
def nieuwe_gemeente(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> GemeenteFactory:
    """Fresh municipalities per test, so queues and logs start empty."""

    async def make() -> Gemeente:
        code = unique_code()
        ref = await create_tenant(
            admin_engine,
            settings,
            slug=f"vz{code}",
            name=f"Gemeente Vz{code}",
            gemeentecode=code,
            hub_slug=hub,
        )
        return Gemeente(ref, code)

    return make
