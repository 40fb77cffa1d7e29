"""Hubs and tenants: create, provision, list, look up.

Provisioning a tenant is one PostgreSQL transaction: the registry row, the tenant's role,
its schema, default privileges and every tenant migration commit together or not at all, so
a bad slug, a duplicate or a failing migration leaves no orphan schema, role or row.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, text, update

from casushub.platform.fouten import RegelFout
from casushub.platform.migrate.revisions import servable_revision, tenant_head
from casushub.platform.migrate.scripts import upgrade_tenant_schema
from casushub.platform.models import Hub, HubType, Tenant, TenantStatus
from casushub.platform.tenancy import SLUG_PATTERN, TenantRef

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "RegistryError",
    "TenantUnavailable",
    "create_hub",
    "create_tenant",
    "list_tenants",
    "servable",
    "servable_tenant",
]

_GEMEENTECODE = re.compile(r"^[0-9]{4}$")


ProvisionStep = Callable[["AsyncConnection", TenantRef], Awaitable[None]]


class RegistryError(RegelFout):
    """Bad input for the registry, with a message fit for the user (Dutch)."""


class TenantUnavailable(RuntimeError):
    """The tenant may not be served now (schema not at head, suspended, provisioning)."""

    def __init__(self, slug: str, reason: str) -> None:
        super().__init__(f"{slug}: {reason}")
        self.slug = slug
        self.reason = reason


@dataclass(frozen=True)
class TenantRow:
    id: uuid.UUID
    slug: str
    name: str
    gemeentecode: str
    status: str
    schema_revision: str | None
    hub_slug: str


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug):
        msg = (
            "De korte naam (slug) moet beginnen met een kleine letter en mag daarna alleen kleine "
            "letters, cijfers en _ bevatten (2 tot 41 tekens)."
        )
        raise RegistryError(msg, "slug")
    return slug


def validate_gemeentecode(code: str) -> str:
    code = code.strip().upper().removeprefix("GM")
    if not _GEMEENTECODE.match(code):
        msg = "De CBS-gemeentecode bestaat uit vier cijfers, bijvoorbeeld 0363 (of GM0363)."
        raise RegistryError(msg, "gemeentecode")
    return code


def _validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        msg = "Vul een naam in van hooguit 200 tekens."
        raise RegistryError(msg, "name")
    return name


async def create_hub(
    admin_engine: AsyncEngine, *, slug: str, name: str, type: str = HubType.ZVH.value
) -> uuid.UUID:
    validate_slug(slug)
    name = _validate_name(name)
    if type not in {t.value for t in HubType}:
        msg = "Kies als soort hub: zvh, centrumgemeente of gemeente."
        raise RegistryError(msg, "type")
    async with admin_engine.begin() as conn:
        if (await conn.execute(select(Hub.id).where(Hub.slug == slug))).first() is not None:
            msg = f"Er bestaat al een hub met de korte naam {slug!r}."
            raise RegistryError(msg, "slug")
        result = await conn.execute(
            insert(Hub).values(slug=slug, name=name, type=type).returning(Hub.id)
        )
        return result.scalar_one()


async def _resolve_hub(conn: AsyncConnection, hub_slug: str | None) -> uuid.UUID:
    if hub_slug is None:
        hubs = (await conn.execute(select(Hub.id).limit(2))).scalars().all()
        if len(hubs) != 1:
            msg = "Geef de hub op (--hub): er is niet precies één hub."
            raise RegistryError(msg, "hub")
        return hubs[0]
    hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub_slug))).scalar()
    if hub_id is None:
        msg = f"Onbekende hub {hub_slug!r}."
        raise RegistryError(msg, "hub")
    return hub_id


async def create_tenant(
    admin_engine: AsyncEngine,
    settings: Settings,
    *,
    slug: str,
    name: str,
    gemeentecode: str,
    hub_slug: str | None = None,
    profiel: Mapping[str, Any] | None = None,
    na_provisioning: Sequence[ProvisionStep] = (),
) -> TenantRef:
    """Register and provision a municipality atomically; returns its reference.

    ``profiel`` holds further registry columns (contactpunt, processor agreement …);
    ``na_provisioning`` steps run on the same connection after the migrations, inside the same
    transaction (e.g. the checklist, or settings in the new schema), so they too commit with
    the tenant or not at all.
    """
    validate_slug(slug)
    name = _validate_name(name)
    gemeentecode = validate_gemeentecode(gemeentecode)
    role = settings.tenant_role(slug)
    async with admin_engine.begin() as conn:
        hub_id = await _resolve_hub(conn, hub_slug)
        clash = (
            await conn.execute(
                select(Tenant.slug, Tenant.gemeentecode).where(
                    (Tenant.slug == slug) | (Tenant.gemeentecode == gemeentecode)
                )
            )
        ).first()
        if clash is not None and clash.slug == slug:
            msg = f"Er bestaat al een gemeente met de korte naam {slug!r}."
            raise RegistryError(msg, "slug")
        if clash is not None:
            msg = f"Gemeentecode {gemeentecode} is al in gebruik bij {clash.slug!r}."
            raise RegistryError(msg, "gemeentecode")
        leftovers = await conn.execute(
            text(
                "SELECT 1 FROM pg_roles WHERE rolname = :role UNION ALL "
                "SELECT 1 FROM pg_namespace WHERE nspname = :schema"
            ),
            {"role": role, "schema": f"t_{slug}"},
        )
        if leftovers.first() is not None:
            msg = f"Schema of databaserol voor {slug!r} bestaat al; ruim die eerst op."
            raise RegistryError(msg, "slug")
        tenant_id = (
            await conn.execute(
                insert(Tenant)
                .values(
                    hub_id=hub_id,
                    slug=slug,
                    name=name,
                    gemeentecode=gemeentecode,
                    status=TenantStatus.PROVISIONING.value,
                    **(profiel or {}),
                )
                .returning(Tenant.id)
            )
        ).scalar_one()
        tenant = TenantRef(tenant_id, slug)
        await _create_schema_and_role(conn, tenant, role, settings.app_role)
        await upgrade_tenant_schema(conn, tenant, tenant_head())
        for step in na_provisioning:
            await step(conn, tenant)
        await conn.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(status=TenantStatus.ACTIVE.value)
        )
    return tenant


async def _create_schema_and_role(
    conn: AsyncConnection, tenant: TenantRef, role: str, app_role: str
) -> None:
    schema = tenant.schema
    await conn.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN NOINHERIT')
    await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await conn.exec_driver_sql(f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC')
    await conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
    # Tables are owned by the migrating role; the tenant role gets row rights only, so it
    # cannot alter or drop them, and a later migration may take rights away (e.g. the
    # append-only access log).
    await conn.exec_driver_sql(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"'
    )
    await conn.exec_driver_sql(f'GRANT "{role}" TO "{app_role}"')


async def list_tenants(conn: AsyncConnection) -> list[TenantRow]:
    rows = await conn.execute(
        select(
            Tenant.id,
            Tenant.slug,
            Tenant.name,
            Tenant.gemeentecode,
            Tenant.status,
            Tenant.schema_revision,
            Hub.slug.label("hub_slug"),
        )
        .join(Hub, Hub.id == Tenant.hub_id)
        .order_by(Tenant.slug)
    )
    return [TenantRow(**row._mapping) for row in rows]


async def count_tenants(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(Tenant))).scalar_one())


async def servable_tenant(conn: AsyncConnection, tenant_id: uuid.UUID) -> TenantRef:
    """The tenant, if it may be served now; a schema behind the code is never served."""
    row = (
        await conn.execute(
            select(Tenant.id, Tenant.slug, Tenant.status, Tenant.schema_revision).where(
                Tenant.id == tenant_id
            )
        )
    ).first()
    if row is None:
        raise TenantUnavailable(str(tenant_id), "onbekend")
    return servable(row)


def servable(row: Any) -> TenantRef:
    """``servable_tenant`` for a registry row already read (id, slug, status, revision)."""
    if row.status != TenantStatus.ACTIVE.value:
        raise TenantUnavailable(row.slug, f"status {row.status}")
    if not servable_revision(row.schema_revision, tenant_head()):
        raise TenantUnavailable(row.slug, "schema niet bijgewerkt")
    return TenantRef(row.id, row.slug)
