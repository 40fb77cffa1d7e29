"""Test fixtures on a real PostgreSQL.

One database per test session (and per xdist worker), on the server in ``DATABASE_URL`` when
set, otherwise on an embedded PostgreSQL started for the session. Roles are cluster-wide, so
every database gets its own role prefix and the roles are dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from dbkit import migrated_database
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.devdb import start_embedded, with_database
from casushub.platform.identity.devidp import DevIdp, node_config, start_dev_idp
from casushub.platform.identity.roles import Role
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings, get_settings
from casushub.platform.tenancy import TenantRef
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import SignedIn, create_signed_in_session

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server URL (libpq style) the tests may create databases on."""
    external = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    # Not under pytest's basetemp: concurrent pytest runs prune each other's old basetemps.
    data_dir = Path(tempfile.mkdtemp(prefix="casushub-test-pg-"))
    server, url = start_embedded(data_dir / "pg", cleanup_mode="delete")
    yield url
    server.cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


def _libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _drop_database(server_url: str, database: str, role_prefix: str) -> None:
    conn = await asyncpg.connect(_libpq(with_database(server_url, "postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        roles = await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", role_prefix + "\\_%"
        )
        for role in roles:
            await conn.execute(f'DROP ROLE IF EXISTS "{role["rolname"]}"')
    finally:
        await conn.close()


DatabaseFactory = Callable[[], Awaitable[Settings]]


@pytest.fixture(scope="session")
async def database_factory(server_url: str) -> AsyncIterator[DatabaseFactory]:
    """Creates fresh, platform-migrated databases, each with its own role prefix."""
    created: list[tuple[str, str]] = []
    made: list[Settings] = []

    async def make() -> Settings:
        settings: Settings = await migrated_database(
            server_url, database_prefix="casushub_test_", role_prefix="cht", created=created
        )
        made.append(settings)
        return settings

    yield make
    for database, prefix in created:
        await _drop_database(server_url, database, prefix)
    for settings in made:
        shutil.rmtree(settings.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def settings(database_factory: DatabaseFactory) -> AsyncIterator[Settings]:
    """The session's main database, also exported to the environment for CLI tests."""
    settings = await database_factory()
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "APP_DATABASE_URL", "DB_ROLE_PREFIX")}
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ["APP_DATABASE_URL"] = settings.app_database_url
    os.environ["DB_ROLE_PREFIX"] = settings.db_role_prefix
    os.environ["CASUSHUB_ENV"] = "test"
    get_settings.cache_clear()
    yield settings
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture(scope="session")
async def admin_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_admin_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def app_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_app_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def hub(admin_engine: AsyncEngine) -> str:
    await create_hub(admin_engine, slug="testhub", name="Test-ZVH", type="zvh")
    return "testhub"


@pytest.fixture(scope="session")
async def tenant_a(admin_engine: AsyncEngine, settings: Settings, hub: str) -> TenantRef:
    return await create_tenant(
        admin_engine, settings, slug="alfa", name="Gemeente Alfa", gemeentecode="9801", hub_slug=hub
    )


@pytest.fixture(scope="session")
async def tenant_b(admin_engine: AsyncEngine, settings: Settings, hub: str) -> TenantRef:
    return await create_tenant(
        admin_engine,
        settings,
        slug="bravo",
        name="Gemeente Bravo",
        gemeentecode="9802",
        hub_slug=hub,
    )


_codes = iter(range(9000, 9800))


@pytest.fixture
def unique_code() -> Callable[[], str]:
    """Fresh gemeentecodes and slugs for tests that create their own tenants."""
    return lambda: f"{next(_codes):04d}"


@pytest.fixture
def fresh_tenant(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> Callable[[], Awaitable[TenantRef]]:
    """Makes a tenant of the test's own in the shared hub (counts and logs start empty)."""

    async def make() -> TenantRef:
        code = unique_code()
        return await create_tenant(
            admin_engine,
            settings,
            slug=f"eigen_{code}",
            name=f"Gemeente Eigen {code}",
            gemeentecode=code,
            hub_slug=hub,
        )

    return make


# The test relying party's public URL (AsyncTestClient's default host): redirect URIs at the
# development identity provider point here.
TEST_RP_URL = "http://testserver.local"
TEST_CLIENT_ID = "casushub"


@pytest.fixture(scope="session")
def dev_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevIdp]:
    """The bundled OIDC provider (real `oidc-provider` process) with two independent issuers,
    ``a`` and ``b``, on free loopback ports; any login name signs in (see devidp/server.mjs)."""
    providers: list[dict[str, Any]] = [
        {
            "key": key,
            "client_secret": f"test-geheim-{key}-0123456789",
            "users": [],
            "any_user": True,
        }
        for key in ("a", "b")
    ]
    config = node_config(
        providers, client_id=TEST_CLIENT_ID, base_port=0, rp_base_urls=[TEST_RP_URL]
    )
    idp = start_dev_idp(config, tmp_path_factory.mktemp("devidp") / "config.json")
    yield idp
    idp.stop()


@pytest.fixture
def sign_in_as(admin_engine: AsyncEngine, settings: Settings) -> Callable[..., Awaitable[SignedIn]]:
    """Sign a test client in as a fresh user with one role (default: gemeente regie) in
    ``tenant`` (or ``hub_id``), without a provider round trip. The identity tests sign in
    through the real development provider instead."""

    async def sign_in(
        client: Any,
        tenant: TenantRef | None = None,
        role: Role | None = Role.GEMEENTE_REGIE,
        hub_id: uuid.UUID | None = None,
    ) -> SignedIn:
        signed_in = await create_signed_in_session(
            admin_engine,
            settings,
            role=role,
            tenant_id=tenant.id if tenant else None,
            hub_id=hub_id,
        )
        client.cookies.set(SESSION_COOKIE, signed_in.cookie)
        return signed_in

    return sign_in
