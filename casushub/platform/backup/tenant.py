"""Back up one municipality (tenant) and restore it, also into another database.

A backup file is a tar archive with two members:

- ``schema.dump``: ``pg_dump --format=custom`` of the tenant schema ``t_<slug>`` only
  (tables, data, functions, triggers), without owners or grants, because role names carry the
  installation's role prefix and differ between databases;
- ``manifest.json``: the registry row of the tenant, its hub (slug, name, type) and the
  schema's privileges in portable form (``@tenant`` for the tenant role, ``@app`` for the
  application login, ``PUBLIC``), so a restore grants the same rights to the target's roles.

A restore creates the tenant role, lets ``pg_restore`` create the schema, re-applies the
privileges, and registers the tenant (creating its hub from the manifest when the target has
no hub of that slug). Users, organisations and memberships are platform data shared between
tenants and are not part of a tenant backup.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, text

from casushub.platform import klok
from casushub.platform.backup.pgtools import (
    BackupError,
    check_client_version,
    libpq_url,
    pg_binary,
    run_tool,
)
from casushub.platform.ids import new_id
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import RegistryError, validate_slug
from casushub.platform.tenancy import TenantRef

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings


__all__ = ["RestoreResult", "backup_tenant", "read_manifest", "restore_tenant"]


FORMAT = "casushub-tenant-backup/1"
DUMP_MEMBER = "schema.dump"
MANIFEST_MEMBER = "manifest.json"
TENANT_GRANTEE = "@tenant"
APP_GRANTEE = "@app"


@dataclass(frozen=True)
class RestoreResult:
    tenant: TenantRef
    hub_slug: str
    hub_created: bool
    tables: int


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)  # UUIDs (asyncpg's own UUID type included)


# Every privilege on the schema and its objects, ACLs defaulted where PostgreSQL keeps NULL
# ("owner's defaults"), owners left out (the restoring owner owns everything again).
_ACL_QUERY = """
SELECT 'schema' AS kind, n.nspname::text AS name, a.grantee::regrole::text AS grantee,
       a.grantee = 0 AS public, a.privilege_type AS privilege
  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
 WHERE n.nspname = :schema AND a.grantee <> n.nspowner
UNION ALL
SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, c.relname::text,
       a.grantee::regrole::text, a.grantee = 0, a.privilege_type
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault(
           CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
 WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND a.grantee <> c.relowner
UNION ALL
SELECT 'function', p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       a.grantee::regrole::text, a.grantee = 0, a.privilege_type
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
       aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
 WHERE n.nspname = :schema AND a.grantee <> p.proowner
ORDER BY 1, 2, 3, 5
"""


async def _privileges(
    conn: AsyncConnection, schema: str, settings: Settings, slug: str
) -> list[Any]:
    roles = {settings.tenant_role(slug): TENANT_GRANTEE, settings.app_role: APP_GRANTEE}
    rows = (await conn.execute(text(_ACL_QUERY), {"schema": schema})).all()
    grants = []
    for row in rows:
        grantee = "PUBLIC" if row.public else roles.get(row.grantee.strip('"'), row.grantee)
        grants.append([row.kind, row.name, grantee, row.privilege])
    return grants


async def backup_tenant(admin_engine: AsyncEngine, settings: Settings, slug: str, out: Path) -> int:
    """Write the backup of ``slug`` to ``out``; returns the number of tables in the schema."""
    async with admin_engine.connect() as conn:
        row = (
            (await conn.execute(select(Tenant.__table__).where(Tenant.slug == slug)))
            .mappings()
            .first()
        )
        if row is None:
            msg = f"Onbekende gemeente {slug!r}."
            raise BackupError(msg)
        hub = (
            (await conn.execute(select(Hub.__table__).where(Hub.id == row["hub_id"])))
            .mappings()
            .one()
        )
        schema = f"t_{slug}"
        grants = await _privileges(conn, schema, settings, slug)
        tables = (
            await conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = :schema"),
                {"schema": schema},
            )
        ).scalar_one()
        pg_dump = pg_binary("pg_dump")
        await check_client_version(conn, pg_dump)
    manifest = {
        "format": FORMAT,
        "created_at": klok.nu().isoformat(),
        "tenant": {key: _jsonable(value) for key, value in row.items()},
        "hub": {key: hub[key] for key in ("slug", "name", "type", "contact")},
        "schema": schema,
        "privileges": grants,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # The work directory sits beside the archive: on the backup volume, not in a small /tmp.
    with tempfile.TemporaryDirectory(prefix=".casushub-backup-", dir=out.parent) as work:
        dump = Path(work) / DUMP_MEMBER
        run_tool(
            [
                pg_dump,
                "--format=custom",
                f"--schema={schema}",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                f"--dbname={libpq_url(settings.database_url)}",
            ]
        )
        partial = out.with_name(out.name + ".deel")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DUMP_MEMBER)
        # Only a complete archive gets the requested name.
        partial.replace(out)
    return int(tables)


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path) as archive:
            member = archive.extractfile(MANIFEST_MEMBER)
            if member is None:
                raise KeyError(MANIFEST_MEMBER)
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        msg = f"{archive_path} is geen casushub-back-up: {exc}"
        raise BackupError(msg) from exc
    if manifest.get("format") != FORMAT:
        msg = f"Onbekend back-upformaat {manifest.get('format')!r}."
        raise BackupError(msg)
    return manifest


def _target(kind: str, name: str, schema: str) -> str:
    return {
        "schema": f'SCHEMA "{schema}"',
        "table": f'TABLE "{schema}"."{name}"',
        "sequence": f'SEQUENCE "{schema}"."{name}"',
        # name is "fn(argument types)" as PostgreSQL printed it.
        "function": f'FUNCTION "{schema}".{name}',
    }[kind]


async def _apply_privileges(
    conn: AsyncConnection, schema: str, grants: list[list[str]], roles: dict[str, str]
) -> None:
    # pg_restore without privileges leaves PostgreSQL's defaults (PUBLIC may execute
    # functions); start from nothing and grant exactly what the source had.
    objects = {(kind, name) for kind, name, _, _ in grants}
    await conn.exec_driver_sql(f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC')
    functions = await conn.execute(
        text(
            "SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')' "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :schema"
        ),
        {"schema": schema},
    )
    for (name,) in functions:
        objects.add(("function", name))
    for kind, name in sorted(objects):
        if kind != "schema":
            await conn.exec_driver_sql(f"REVOKE ALL ON {_target(kind, name, schema)} FROM PUBLIC")
    for kind, name, grantee, privilege in grants:
        target_role = "PUBLIC" if grantee == "PUBLIC" else roles.get(grantee)
        if target_role is None:  # a role of the source installation only: not carried over
            continue
        quoted = target_role if target_role == "PUBLIC" else f'"{target_role}"'
        await conn.exec_driver_sql(
            f"GRANT {privilege} ON {_target(kind, name, schema)} TO {quoted}"
        )


async def _fix_function_search_paths(conn: AsyncConnection, old: str, new: str) -> None:
    """Functions pinned to the schema by name (SECURITY DEFINER) follow a renamed schema."""
    rows = await conn.execute(
        text(
            "SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
            "       cfg FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, "
            "       unnest(p.proconfig) cfg "
            "WHERE n.nspname = :schema AND cfg LIKE 'search_path=%'"
        ),
        {"schema": new},
    )
    for fn, cfg in rows.all():
        parts = [p.strip() for p in cfg.split("=", 1)[1].split(",")]
        fixed = ", ".join(new if p.strip('"') == old else p for p in parts)
        await conn.exec_driver_sql(f'ALTER FUNCTION "{new}".{fn} SET search_path = {fixed}')


async def _clashes(conn: AsyncConnection, *checks: tuple[str, dict[str, Any]]) -> bool:
    for sql, params in checks:
        if (await conn.execute(text(sql), params)).first() is not None:
            return True
    return False


async def restore_tenant(
    admin_engine: AsyncEngine, settings: Settings, archive_path: Path, *, as_slug: str | None = None
) -> RestoreResult:
    """Restore a backup into the database of ``settings`` (under ``as_slug`` if given)."""
    manifest = read_manifest(archive_path)
    source: dict[str, Any] = manifest["tenant"]
    old_slug: str = source["slug"]
    slug = validate_slug(as_slug or old_slug)
    dump_schema: str = manifest["schema"]
    schema = f"t_{slug}"
    role = settings.tenant_role(slug)
    async with admin_engine.connect() as conn:
        taken = await conn.execute(
            select(Tenant.slug, Tenant.gemeentecode, Tenant.id).where(
                (Tenant.slug == slug)
                | (Tenant.gemeentecode == source["gemeentecode"])
                | (Tenant.id == uuid.UUID(source["id"]))
            )
        )
        for other in taken.all():
            if other.slug == slug:
                msg = f"Er bestaat al een gemeente met de korte naam {slug!r}."
                raise RegistryError(msg, "slug")
            if other.gemeentecode == source["gemeentecode"]:
                msg = f"Gemeentecode {source['gemeentecode']} is al in gebruik bij {other.slug!r}."
                raise RegistryError(msg, "gemeentecode")
        id_taken = (
            await conn.execute(select(Tenant.id).where(Tenant.id == uuid.UUID(source["id"])))
        ).first() is not None
        if await _clashes(
            conn,
            ("SELECT 1 FROM pg_roles WHERE rolname = :r", {"r": role}),
            ("SELECT 1 FROM pg_namespace WHERE nspname = :s", {"s": schema}),
            ("SELECT 1 FROM pg_namespace WHERE nspname = :s", {"s": dump_schema}),
        ):
            msg = (
                f"Schema {schema} of {dump_schema}, of databaserol {role}, bestaat al in deze "
                "database; herstel in een database zonder dat schema, of ruim het eerst op."
            )
            raise BackupError(msg)
        pg_restore = pg_binary("pg_restore")
        await check_client_version(conn, pg_restore)

    # Beside the archive when that directory is writable (a backup volume), else in TMPDIR.
    work_parent = archive_path.parent if os.access(archive_path.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix=".casushub-restore-", dir=work_parent) as work:
        with tarfile.open(archive_path) as archive:
            archive.extract(DUMP_MEMBER, work, filter="data")
        dump = Path(work) / DUMP_MEMBER
        async with admin_engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN NOINHERIT')
            await conn.exec_driver_sql(f'GRANT "{role}" TO "{settings.app_role}"')
        try:
            run_tool(
                [
                    pg_restore,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={libpq_url(settings.database_url)}",
                    str(dump),
                ]
            )
            return await _register(
                admin_engine, settings, manifest, slug, dump_schema, role, id_taken=id_taken
            )
        except BaseException:
            async with admin_engine.begin() as conn:
                for name in {schema, dump_schema}:
                    await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
                await conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
            raise


async def _register(
    admin_engine: AsyncEngine,
    settings: Settings,
    manifest: dict[str, Any],
    slug: str,
    dump_schema: str,
    role: str,
    *,
    id_taken: bool,
) -> RestoreResult:
    source: dict[str, Any] = manifest["tenant"]
    schema = f"t_{slug}"
    async with admin_engine.begin() as conn:
        if dump_schema != schema:
            await conn.exec_driver_sql(f'ALTER SCHEMA "{dump_schema}" RENAME TO "{schema}"')
            await _fix_function_search_paths(conn, dump_schema, schema)
        roles = {TENANT_GRANTEE: role, APP_GRANTEE: settings.app_role}
        await _apply_privileges(conn, schema, manifest["privileges"], roles)
        # Tables a later migration creates get the tenant's row rights, as at provisioning.
        await conn.exec_driver_sql(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"'
        )
        hub_info: dict[str, str] = manifest["hub"]
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub_info["slug"]))).scalar()
        hub_created = hub_id is None
        if hub_id is None:
            hub_id = (
                await conn.execute(insert(Hub).values(**hub_info).returning(Hub.id))
            ).scalar_one()
        values: dict[str, Any] = {}
        for column in Tenant.__table__.columns:
            if column.key not in source:
                continue
            value = source[column.key]
            if value is not None and column.key not in {"hub_id"}:
                python_type = column.type.python_type
                if python_type is uuid.UUID:
                    value = uuid.UUID(value)
                elif python_type is datetime:
                    value = datetime.fromisoformat(value)
                elif python_type is date:
                    value = date.fromisoformat(value)
            values[column.key] = value
        values.update(slug=slug, hub_id=hub_id)
        if id_taken:
            values["id"] = new_id()
        tenant_id = (
            await conn.execute(insert(Tenant).values(**values).returning(Tenant.id))
        ).scalar_one()
        tables = (
            await conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = :schema"),
                {"schema": schema},
            )
        ).scalar_one()
    return RestoreResult(TenantRef(tenant_id, slug), hub_info["slug"], hub_created, int(tables))
