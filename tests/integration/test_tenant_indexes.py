"""Every index the tenant models declare is built by the tenant migrations.

Queries are written against the models, and the dashboard's lists rely on indexes in their
order (t0008): an index declared on a model but missing from the migrations (the schema of
every municipality is built by the migrations alone) would go unnoticed until a large
municipality slowed down.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import casushub.tenants
from casushub.platform.tenancy import TenantRef
from casushub.tenants.base import TenantBase


async def test_every_declared_index_is_built_in_a_tenant_schema(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    # Every tenant model, not only those this test run happened to import.
    for module in pkgutil.walk_packages(casushub.tenants.__path__, "casushub.tenants."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    declared = {
        (table.name, str(index.name))
        for table in TenantBase.metadata.tables.values()
        for index in table.indexes
    }
    async with admin_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = :schema"),
            {"schema": f"t_{tenant_a.slug}"},
        )
        built = {(row.tablename, row.indexname) for row in rows}
    assert ("casus", "ix_casus_intake_datum") in declared
    assert declared - built == set()
