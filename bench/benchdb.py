"""What the benchmark scripts share: a PostgreSQL to run on, a fresh database, the README.

``python bench/<name>.py`` puts ``bench/`` first on ``sys.path``, so the scripts import this
module as ``benchdb``; importing it also makes ``casushub`` importable from the project root.

- :func:`server` starts a private embedded PostgreSQL in a temporary directory (never the
  system one), or uses ``DATABASE_URL`` when set;
- :class:`BenchDatabase` creates a database and a role prefix of its own and drops both again;
- :func:`write_section` replaces one benchmark's marker-delimited section of
  ``bench/README.md`` and leaves the others alone;
- :func:`machine` / :func:`load_average` describe where a figure was measured.
"""

from __future__ import annotations

import math
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "bench" / "README.md"
if str(ROOT) not in sys.path:
    # The project root makes `casushub` importable even without an editable install.
    sys.path.insert(1, str(ROOT))

from casushub.tenants.verwerkingenlog.services import ENTRY_FIELDS  # noqa: E402 - after sys.path

if TYPE_CHECKING:
    from casushub.platform.settings import Settings

__all__ = [
    "LOG_COLUMNS",
    "README",
    "ROOT",
    "BenchDatabase",
    "LogEntry",
    "bulk_tenants",
    "chain",
    "for_schema",
    "libpq",
    "load_average",
    "machine",
    "measured",
    "now_utc",
    "offline_sql",
    "percentile",
    "pg_version",
    "schema_ddl",
    "server",
    "write_section",
]


def libpq(url: str) -> str:
    """A SQLAlchemy URL as asyncpg / libpq want it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass(frozen=True)
class Server:
    url: str
    where: str  # "embedded" or "DATABASE_URL"
    tmp: Path


@contextmanager
def server(prefix: str = "casushub-bench-") -> Iterator[Server]:
    """A PostgreSQL server for one benchmark run, with a temporary directory beside it."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        external = os.environ.get("DATABASE_URL")
        if external:
            yield Server(libpq(external), "DATABASE_URL", Path(tmp))
            return
        from casushub.platform.devdb import start_embedded

        # A private runtime dir with the mode platformdirs wants (silences its warning).
        runtime = Path(tmp) / "run"
        runtime.mkdir(mode=0o700)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
        handle, url = start_embedded(Path(tmp) / "pg", cleanup_mode="delete")
        try:
            yield Server(url, "embedded", Path(tmp))
        finally:
            handle.cleanup()


class BenchDatabase:
    """A fresh database and role prefix on ``server_url``; ``drop()`` removes both."""

    def __init__(self, server_url: str, label: str, where: str | None = None) -> None:
        from casushub.platform.devdb import with_database

        suffix = secrets.token_hex(4)
        self.server_url = server_url
        # As server() decides: DATABASE_URL set means someone else's server.
        self.where = where or ("DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded")
        self.name = f"casushub_{label}_{suffix}"
        self.prefix = f"ch{label[:1]}{suffix}"
        self.url = with_database(server_url, self.name)

    async def create(self) -> None:
        from casushub.platform.devdb import create_database

        await create_database(self.server_url, self.name)

    def settings(self, **changes: Any) -> Settings:
        """Settings for this database: owner URL, app login role, own role prefix.

        ``changes`` are other Settings fields, each of its own type (``replace`` checks names).
        """
        from casushub.platform.settings import Settings, asyncpg_url, url_with_user

        url = asyncpg_url(self.url)
        base = replace(
            Settings(),
            environment="test",
            database_url=url,
            app_database_url=url_with_user(url, f"{self.prefix}_app", ""),
            db_role_prefix=self.prefix,
            secure_cookies=False,
        )
        return replace(base, **changes)

    async def drop(self) -> None:
        if self.where == "embedded":
            # The private server's directory is deleted as a whole; dropping a database of
            # 1,000 schemas first only deletes the same files one by one (minutes).
            return
        from casushub.platform.devdb import with_database

        conn = await asyncpg.connect(libpq(with_database(self.server_url, "postgres")))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            roles = await conn.fetch(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", self.prefix + "\\_%"
            )
            for role in roles:
                await conn.execute(f'DROP ROLE IF EXISTS "{role["rolname"]}"')
        finally:
            await conn.close()


async def pg_version(url: str) -> str:
    conn = await asyncpg.connect(libpq(url))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def machine() -> str:
    cores = os.cpu_count()
    try:
        free = subprocess.run(["free", "-g"], capture_output=True, text=True, check=True)  # noqa: S607 - procps tool, fixed arguments
        mem = free.stdout.splitlines()[1].split()[1] + " GB"
    except (OSError, subprocess.CalledProcessError, IndexError):
        mem = "unknown"
    return f"{cores} cores, {mem} memory, {platform.system()} {platform.release()}"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}, {five:.1f}, {fifteen:.1f}"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def measured(version: str, where: str, load_start: str, data: str) -> str:
    """The README's "measured when, where, on what" sentence of a hub-scale benchmark."""
    return (
        f"Measured {now_utc()} on {machine()};\nPostgreSQL {version} ({where}); load average "
        f"{load_start} at the start,\n{load_average()} at the end (1, 5, 15 min). Data: {data}."
    )


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 for p95)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def write_section(name: str, text: str, path: Path = README) -> None:
    """Put ``text`` between this benchmark's markers, leaving every other section alone.

    ``text`` is the section's body; the markers are added here.
    """
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{text.strip()}\n{end}\n"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = head + block + ("\n" + tail if tail else "")
    else:
        new = current.rstrip("\n") + "\n\n" + block
    path.write_text(new)


# --- Access-log entries, correctly chained ------------------------------------------------------

LOG_COLUMNS = ("id", *ENTRY_FIELDS)
"""The columns of ``verwerking`` in the order :func:`chain` returns them (for COPY)."""


@dataclass
class LogEntry:
    """Attribute names as ``Verwerking``, so ``entry_hash`` hashes it like a stored row.

    ``volgnummer`` and ``vorige_hash`` are filled in by :func:`chain`.
    """

    tijdstip: datetime
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    rol: str
    casus_id: uuid.UUID | None
    persoon_id: uuid.UUID | None
    gegevensgroep: str
    actie: str
    doel: str
    request_id: str | None
    detail: str | None = None
    volgnummer: int = 0
    vorige_hash: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def chain(
    entries: Iterable[LogEntry], after: tuple[int, str] | None = None
) -> list[tuple[Any, ...]]:
    """Number and hash ``entries`` (in time order) into COPY rows that ``audit verify`` accepts.

    ``after`` is the chain's end (number, hash) to continue from; none: a new chain. The hash
    is the application's own ``entry_hash``: a bulk-loaded log is checked by exactly the code
    that checks a written one.
    """
    from casushub.tenants.verwerkingenlog.services import GENESIS, entry_hash

    last, previous = after or (0, GENESIS)
    rows = []
    for number, entry in enumerate(entries, start=last + 1):
        entry.volgnummer = number
        entry.vorige_hash = previous
        previous = entry_hash(entry)
        rows.append((*(getattr(entry, c) for c in LOG_COLUMNS[:-1]), previous))
    return rows


# --- Tenant DDL, as Alembic's offline mode renders it ------------------------------------------

PLACEHOLDER = "t_zzbenchzz"


def offline_sql(migrations: Path, revisions: str) -> str:
    """Alembic's ``--sql`` output for the tenant environment, for the placeholder schema."""
    import argparse
    import io

    from alembic import command
    from alembic.config import Config

    buffer = io.StringIO()
    cfg = Config(output_buffer=buffer)
    cfg.set_main_option("script_location", str(migrations / "tenant"))
    cfg.cmd_opts = argparse.Namespace(x=[f"schema={PLACEHOLDER}"])
    command.upgrade(cfg, revisions, sql=True)
    kept = [
        line
        for line in buffer.getvalue().splitlines()
        if line.strip() not in {"BEGIN;", "COMMIT;"} and not line.startswith("--")
    ]
    return "\n".join(kept).strip()


def schema_ddl(role: str, schema: str, app_role: str) -> str:
    """What registry._create_schema_and_role sends, as one string."""
    return (
        f'CREATE ROLE "{role}" NOLOGIN NOINHERIT;\n'
        f'CREATE SCHEMA "{schema}";\n'
        f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC;\n'
        f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}";\n'
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}";\n'
        f'GRANT "{role}" TO "{app_role}";\n'
    )


def for_schema(ddl: str, schema: str) -> str:
    return f'SET LOCAL search_path TO "{schema}";\n' + ddl.replace(PLACEHOLDER, f'"{schema}"')


async def bulk_tenants(
    conn: asyncpg.Connection,
    settings: Settings,
    full_ddl: str,
    head: str,
    hub_id: uuid.UUID,
    tenants: Sequence[tuple[str, str]],
) -> list[uuid.UUID]:
    """Registered, migrated, active tenants ``(slug, gemeentecode)``, 10 to a transaction.

    The same statements as ``registry.create_tenant`` (role, schema, grants, every migration,
    registry row), batched; more than 10 schemas in one transaction overflow the lock table.
    """
    from casushub.platform.ids import new_id

    ids: list[uuid.UUID] = []
    for first in range(0, len(tenants), 10):
        batch = tenants[first : first + 10]
        ddl = "".join(
            schema_ddl(settings.tenant_role(slug), f"t_{slug}", settings.app_role)
            + for_schema(full_ddl, f"t_{slug}")
            + ";\n"
            for slug, _code in batch
        )
        rows = [
            (new_id(), hub_id, slug, f"Gemeente {slug}", code, "active", head)
            for slug, code in batch
        ]
        async with conn.transaction():
            await conn.execute(ddl)
            await conn.executemany(
                "INSERT INTO platform.tenants (id, hub_id, slug, name, gemeentecode, "
                "status, schema_revision) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                rows,
            )
        ids += [r[0] for r in rows]
    return ids
