from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine
from casushub.platform.identity.models import Organisation, User
from casushub.platform.models import Hub
from casushub.platform.registry import create_hub
from casushub.platform.settings import Settings


@pytest.fixture
async def hub_id(admin_engine: AsyncEngine, hub: str) -> uuid.UUID:
    async with admin_engine.connect() as conn:
        return (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()


@pytest.fixture
def other_hub_id() -> uuid.UUID:
    """Some other hub's id: everything scoped to a hub must refuse it.

    Not a real second hub in the shared test database: tests elsewhere provision tenants
    without naming a hub, which is only unambiguous while there is exactly one.
    """
    return uuid.uuid4()


@pytest.fixture
async def own_hub(
    database_factory: Callable[[], Awaitable[Settings]],
) -> AsyncIterator[tuple[AsyncEngine, uuid.UUID]]:
    """A fresh database with a hub of its own, for tests that need a hub untouched by others."""
    settings = await database_factory()
    engine = create_admin_engine(settings)
    await create_hub(engine, slug="eigenhub", name="Eigen hub")
    async with engine.connect() as conn:
        hub_id = (await conn.execute(select(Hub.id))).scalar_one()
    yield engine, hub_id
    await engine.dispose()


OrganisationFactory = Callable[..., Awaitable[uuid.UUID]]


@pytest.fixture
def make_organisation(admin_engine: AsyncEngine) -> OrganisationFactory:
    return lambda hub_id, type, name=None, engine=None: _make_organisation(
        engine or admin_engine, hub_id, type, name
    )


@pytest.fixture
def make_user(admin_engine: AsyncEngine) -> OrganisationFactory:
    return lambda organisation_id, engine=None: _make_user(engine or admin_engine, organisation_id)


async def _make_organisation(
    engine: AsyncEngine, hub_id: uuid.UUID, type: str, name: str | None = None
) -> uuid.UUID:
    slug = f"org{uuid.uuid4().hex[:10]}"
    async with engine.begin() as conn:
        return (
            await conn.execute(
                insert(Organisation)
                .values(
                    hub_id=hub_id,
                    slug=slug,
                    name=name or slug,
                    type=type,
                    email_domains=[f"{slug}.example"],
                )
                .returning(Organisation.id)
            )
        ).scalar_one()


async def _make_user(engine: AsyncEngine, organisation_id: uuid.UUID) -> uuid.UUID:
    subject = uuid.uuid4().hex
    async with engine.begin() as conn:
        return (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=organisation_id,
                    issuer="https://idp.example",
                    subject=subject,
                    email=f"{subject[:8]}@example.nl",
                    name="Medewerker",
                )
                .returning(User.id)
            )
        ).scalar_one()
