"""Provisioning a tenant: everything or nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform import registry
from casushub.platform.migrate.revisions import tenant_head
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError, create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef


async def _traces(engine: AsyncEngine, settings: Settings, slug: str) -> dict[str, bool]:
    async with engine.connect() as conn:
        row = (await conn.execute(select(Tenant.id).where(Tenant.slug == slug))).first()
        role = await conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": settings.tenant_role(slug)}
        )
        schema = await conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": f"t_{slug}"}
        )
        return {
            "row": row is not None,
            "role": role.first() is not None,
            "schema": schema.first() is not None,
        }


async def test_create_tenant_provisions_role_schema_and_head_revision(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        hub_slug=hub,
        slug=f"nieuw{code}",
        name="Nieuw",
        gemeentecode=f"GM{code}",
    )
    assert await _traces(admin_engine, settings, tenant.slug) == {
        "row": True,
        "role": True,
        "schema": True,
    }
    async with admin_engine.connect() as conn:
        stored = (await conn.execute(select(Tenant).where(Tenant.id == tenant.id))).one()
        own_version = await conn.exec_driver_sql(
            f"SELECT version_num FROM {tenant.schema}.alembic_version"
        )
        member = await conn.execute(
            text(
                "SELECT r.rolinherit FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
                "WHERE g.rolname = :tenant AND r.rolname = :app"
            ),
            {"tenant": settings.tenant_role(tenant.slug), "app": settings.app_role},
        )
    assert stored.status == "active"
    assert stored.gemeentecode == code
    assert stored.schema_revision == tenant_head()
    assert own_version.scalar() == tenant_head()
    assert member.scalar() is False  # the login role is a member, but NOINHERIT


@pytest.mark.parametrize(
    "slug", ["A_hoofdletter", "1begintmetcijfer", "x", "met-streepje", "a" * 42, "t;drop"]
)
async def test_bad_slug_is_refused_without_traces(
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    slug: str,
) -> None:
    with pytest.raises(RegistryError, match="korte naam") as refused:
        await create_tenant(
            admin_engine, settings, hub_slug=hub, slug=slug, name="X", gemeentecode=unique_code()
        )
    assert refused.value.field == "slug"
    async with admin_engine.connect() as conn:
        count = (await conn.execute(select(Tenant.id).where(Tenant.name == "X"))).all()
    assert count == []


@pytest.mark.parametrize("code", ["123", "12345", "abcd", "GM12"])
async def test_bad_gemeentecode_is_refused(
    admin_engine: AsyncEngine, settings: Settings, hub: str, code: str
) -> None:
    with pytest.raises(RegistryError, match="vier cijfers"):
        await create_tenant(
            admin_engine, settings, hub_slug=hub, slug="slechtecode", name="X", gemeentecode=code
        )
    assert await _traces(admin_engine, settings, "slechtecode") == {
        "row": False,
        "role": False,
        "schema": False,
    }


async def test_duplicate_slug_and_gemeentecode_are_refused(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> None:
    code, other = unique_code(), unique_code()
    await create_tenant(
        admin_engine, settings, hub_slug=hub, slug=f"dubbel{code}", name="D", gemeentecode=code
    )
    with pytest.raises(RegistryError, match="al een gemeente") as by_slug:
        await create_tenant(
            admin_engine,
            settings,
            hub_slug=hub,
            slug=f"dubbel{code}",
            name="D2",
            gemeentecode=other,
        )
    with pytest.raises(RegistryError, match="al in gebruik") as by_code:
        await create_tenant(
            admin_engine,
            settings,
            hub_slug=hub,
            slug=f"anders{other}",
            name="D3",
            gemeentecode=code,
        )
    assert (by_slug.value.field, by_code.value.field) == ("slug", "gemeentecode")
    assert await _traces(admin_engine, settings, f"anders{other}") == {
        "row": False,
        "role": False,
        "schema": False,
    }


async def test_failure_during_migrations_leaves_no_orphans(
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken_upgrade(conn: AsyncConnection, tenant: TenantRef, target: str) -> None:
        await conn.exec_driver_sql(f"CREATE TABLE {tenant.schema}.half (id int)")
        raise RuntimeError("migratie faalt halverwege")

    monkeypatch.setattr(registry, "upgrade_tenant_schema", broken_upgrade)
    slug = f"halfweg{unique_code()}"
    with pytest.raises(RuntimeError, match="halverwege"):
        await create_tenant(
            admin_engine, settings, hub_slug=hub, slug=slug, name="Half", gemeentecode=unique_code()
        )
    assert await _traces(admin_engine, settings, slug) == {
        "row": False,
        "role": False,
        "schema": False,
    }


async def test_leftover_role_is_reported_not_reused(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> None:
    slug = f"wees{unique_code()}"
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE ROLE "{settings.tenant_role(slug)}" NOLOGIN')
    with pytest.raises(RegistryError, match="bestaat al"):
        await create_tenant(
            admin_engine, settings, hub_slug=hub, slug=slug, name="Wees", gemeentecode=unique_code()
        )
    traces = await _traces(admin_engine, settings, slug)
    assert traces == {"row": False, "role": True, "schema": False}


async def test_unknown_hub_is_refused(
    admin_engine: AsyncEngine, settings: Settings, hub: str
) -> None:
    with pytest.raises(RegistryError, match="Onbekende hub"):
        await create_tenant(
            admin_engine, settings, slug="zonderhub", name="Z", gemeentecode="9799", hub_slug="geen"
        )
