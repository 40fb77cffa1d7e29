"""Rules that keep the Citus schema-based-sharding path open, checked on a migrated schema.

Each tenant schema must be movable as a unit: UUID primary keys, no foreign keys that leave
the schema (in particular none to ``platform``), no sequences or identity columns.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy.ext.asyncio import AsyncEngine

import casushub.tenants
from casushub.platform.tenancy import TenantRef


async def _rows(engine: AsyncEngine, sql: str, schema: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        result = await conn.exec_driver_sql(sql, (schema,))
        return [tuple(row) for row in result]


async def test_every_tenant_table_has_a_uuid_primary_key(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    tables = await _rows(
        admin_engine,
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'",
        tenant_a.schema,
    )
    assert tables, "the tenant schema has tables"
    keys = await _rows(
        admin_engine,
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indisprimary AND n.nspname = $1 AND c.relname <> 'alembic_version'",
        tenant_a.schema,
    )
    keyed = {table for table, _, _ in keys}
    assert keyed == {table for (table,) in tables}, "every table has a primary key"
    for table, column, type_name in keys:
        assert type_name == "uuid", f"{table}.{column} is {type_name}, not uuid"


async def test_no_foreign_key_leaves_the_tenant_schema(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    leaving = await _rows(
        admin_engine,
        "SELECT con.conname, tn.nspname FROM pg_constraint con "
        "JOIN pg_class src ON src.oid = con.conrelid "
        "JOIN pg_namespace sn ON sn.oid = src.relnamespace "
        "JOIN pg_class tgt ON tgt.oid = con.confrelid "
        "JOIN pg_namespace tn ON tn.oid = tgt.relnamespace "
        "WHERE con.contype = 'f' AND sn.nspname = $1 AND tn.nspname <> sn.nspname",
        tenant_a.schema,
    )
    assert leaving == []


async def test_no_sequences_or_identity_columns(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    sequences = await _rows(
        admin_engine,
        "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = $1",
        tenant_a.schema,
    )
    generated = await _rows(
        admin_engine,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = $1 AND (is_identity = 'YES' OR column_default LIKE 'nextval%')",
        tenant_a.schema,
    )
    assert sequences == []
    assert generated == []


def test_tenant_metadata_declares_no_schema_and_no_platform_keys() -> None:
    from casushub.tenants.base import TenantBase

    for module in pkgutil.walk_packages(casushub.tenants.__path__, "casushub.tenants."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    assert TenantBase.metadata.tables
    for table in TenantBase.metadata.tables.values():
        assert table.schema is None, f"{table.name} must not name a schema"
        for fk in table.foreign_keys:
            assert "." not in fk.target_fullname.removesuffix("." + fk.column.name), (
                f"{table.name} points outside its schema: {fk.target_fullname}"
            )
