"""The rules that keep Citus schema-based sharding possible (docs/scale-out.md).

Each tenant schema must be able to become a Citus *distributed schema*: all of its tables then
live together on one worker node, so nothing in it may point outside the schema. Checked three
ways, so a new revision or model cannot slip past: on a tenant schema migrated to head in a
real PostgreSQL, on the tenant models' metadata, and on the source of every tenant revision.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from sqlalchemy import Sequence, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import casushub.tenants
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.tenants.base import TenantBase

ROOT = Path(__file__).resolve().parents[2]
TENANT_REVISIONS = sorted((ROOT / "migrations" / "tenant" / "versions").glob("*.py"))


LEAVING_FOREIGN_KEYS = """
SELECT c.conname, fn.nspname, f.relname
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
JOIN pg_class f ON f.oid = c.confrelid
JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE c.contype = 'f' AND n.nspname = :schema AND fn.nspname <> :schema
"""
ENTERING_FOREIGN_KEYS = """
SELECT c.conname, n.nspname, r.relname
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
JOIN pg_class f ON f.oid = c.confrelid
JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE c.contype = 'f' AND fn.nspname = :schema AND n.nspname <> :schema
"""
SEQUENCES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname = :schema
"""
NUMBERED_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = :schema AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
"""
TABLES_WITHOUT_UUID_KEY = """
SELECT r.relname
FROM pg_class r
JOIN pg_namespace n ON n.oid = r.relnamespace
LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary
LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY(i.indkey)
WHERE n.nspname = :schema AND r.relkind IN ('r', 'p') AND r.relname <> 'alembic_version'
GROUP BY r.relname
HAVING NOT coalesce(bool_or(format_type(a.atttypid, a.atttypmod) = 'uuid'), false)
"""
VIEWS_READING_ELSEWHERE = """
SELECT DISTINCT v.relname, dn.nspname
FROM pg_class v
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_rewrite w ON w.ev_class = v.oid
JOIN pg_depend d ON d.objid = w.oid AND d.classid = 'pg_rewrite'::regclass
JOIN pg_class dc ON dc.oid = d.refobjid
JOIN pg_namespace dn ON dn.oid = dc.relnamespace
WHERE vn.nspname = :schema AND dn.nspname NOT IN (:schema, 'pg_catalog')
"""
RULES = {
    "foreign key leaving the schema": LEAVING_FOREIGN_KEYS,
    "foreign key into the schema": ENTERING_FOREIGN_KEYS,
    "sequence": SEQUENCES,
    "identity or serial column": NUMBERED_COLUMNS,
    "table without a uuid primary key": TABLES_WITHOUT_UUID_KEY,
    "view reading another schema": VIEWS_READING_ELSEWHERE,
}


async def _violations(conn: AsyncConnection, schema: str) -> dict[str, list[tuple[object, ...]]]:
    found = {}
    for rule, sql in RULES.items():
        rows = [tuple(row) for row in (await conn.execute(text(sql), {"schema": schema})).all()]
        if rows:
            found[rule] = rows
    return found


async def test_migrated_tenant_schema_keeps_the_rules(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    async with admin_engine.connect() as conn:
        tables = await conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": tenant_a.schema}
        )
        assert tables.scalar_one() > 1
        assert await _violations(conn, tenant_a.schema) == {}


async def test_the_schema_check_catches_every_kind_of_violation(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    schema = tenant_a.schema
    async with admin_engine.connect() as conn, conn.begin() as transaction:
        await conn.exec_driver_sql(
            f'CREATE TABLE "{schema}".bad (id serial PRIMARY KEY, '
            "hub_id uuid REFERENCES platform.hubs (id))"
        )
        await conn.exec_driver_sql(
            f'CREATE VIEW "{schema}".bad_view AS SELECT slug FROM platform.tenants'
        )
        await conn.exec_driver_sql(
            f'CREATE TABLE platform.bad_ref (id uuid PRIMARY KEY, b int REFERENCES "{schema}".bad)'
        )
        found = await _violations(conn, schema)
        await transaction.rollback()
    assert set(found) == set(RULES)


def _tenant_model_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(casushub.tenants.__path__, "casushub.tenants."):
        if module.name.rsplit(".", 1)[-1] == "models":
            importlib.import_module(module.name)
            names.append(module.name)
    return names


def test_tenant_models_stay_inside_their_schema() -> None:
    assert _tenant_model_modules(), "tenant models are found"
    for table in TenantBase.metadata.tables.values():
        assert table.schema is None, table.name  # the schema comes from the search_path
        for fk in table.foreign_keys:
            assert fk.column.table.schema is None, (table.name, fk.target_fullname)
            assert fk.column.table.metadata is TenantBase.metadata, (table.name, fk)
        for column in table.columns:
            assert column.identity is None, (table.name, column.name)
            assert not isinstance(column.default, Sequence), (table.name, column.name)
        primary = list(table.primary_key.columns)
        assert primary, table.name
        assert any(c.type.python_type.__name__ == "UUID" for c in primary), table.name


def _forbidden_in_revision(tree: ast.AST) -> list[str]:
    """Constructs that would tie a tenant schema to something outside it."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"schema", "referent_schema"}:
            found.append(f"{node.arg}= (tenant revisions are written without a schema)")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"Identity", "Sequence", "CreateSequence"}:
                found.append(f"{name}() (no sequences in tenant schemas)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            lowered = node.value.lower()
            for marker in ("platform.", "nextval(", " serial", "create sequence"):
                if marker in lowered:
                    found.append(f"{marker!r} in SQL text")
    return found


def test_tenant_revisions_name_no_other_schema_and_no_sequence() -> None:
    assert len(TENANT_REVISIONS) >= 2
    problems = {}
    for path in TENANT_REVISIONS:
        tree = ast.parse(path.read_text())
        # The module docstring explains; only code counts.
        body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
        found = _forbidden_in_revision(ast.Module(body=body, type_ignores=[]))
        if found:
            problems[path.name] = found
    assert problems == {}


def test_the_revision_scan_would_catch_a_violation() -> None:
    bad = ast.parse(
        "op.create_table('x', sa.Column('id', sa.Integer(), sa.Identity()))\n"
        "op.create_foreign_key('fk', 'x', 'tenants', ['t'], ['id'], referent_schema='platform')\n"
        "op.execute('SELECT * FROM platform.tenants')\n"
    )
    found = _forbidden_in_revision(bad)
    assert len(found) == 3, found


# docs/scale-out.md, "The append-only tables under Citus": Citus has no triggers on distributed
# tables, so the tenant role's grants must hold the append-only rule on their own.
APPEND_ONLY = ("verwerking", "verwerking_anker", "vernietigingsbewijs")
FORBIDDEN = {
    "UPDATE": "UPDATE {table} SET id = id",
    "DELETE": "DELETE FROM {table}",
    "TRUNCATE": "TRUNCATE {table}",
}


async def test_append_only_tables_hold_without_their_triggers(
    admin_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    role = settings.tenant_role(tenant_a.slug)
    refused: dict[tuple[str, str], str] = {}
    async with admin_engine.connect() as conn, conn.begin() as transaction:
        for table in APPEND_ONLY:
            await conn.exec_driver_sql(
                f'ALTER TABLE "{tenant_a.schema}".{table} DISABLE TRIGGER USER'
            )
        triggers = await conn.execute(
            text(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relname = ANY(:tables) "
                "AND NOT t.tgisinternal AND t.tgenabled <> 'D'"
            ),
            {"s": tenant_a.schema, "tables": list(APPEND_ONLY)},
        )
        assert triggers.scalar_one() == 0
        await conn.exec_driver_sql(f'SET LOCAL search_path TO "{tenant_a.schema}"')
        await conn.exec_driver_sql(f'SET LOCAL ROLE "{role}"')
        for table in APPEND_ONLY:
            # Reading and appending stay allowed: the grants are not simply "nothing".
            await conn.exec_driver_sql(f"SELECT count(*) FROM {table}")
            for privilege, sql in FORBIDDEN.items():
                savepoint = await conn.begin_nested()
                try:
                    await conn.exec_driver_sql(sql.format(table=table))
                except Exception as exc:  # noqa: BLE001 - the refusal is what we look for
                    refused[(table, privilege)] = str(exc)
                finally:
                    await savepoint.rollback()
        await transaction.rollback()
    assert set(refused) == {(t, p) for t in APPEND_ONLY for p in FORBIDDEN}
    for message in refused.values():
        assert "permission denied" in message, message
    grants = await _insert_grants(admin_engine, tenant_a.schema, role)
    assert set(grants) >= {"verwerking", "vernietigingsbewijs"}


async def _insert_grants(engine: AsyncEngine, schema: str, role: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_name FROM information_schema.role_table_grants "
                "WHERE table_schema = :s AND grantee = :r AND privilege_type = 'INSERT'"
            ),
            {"s": schema, "r": role},
        )
        return [row[0] for row in rows]
