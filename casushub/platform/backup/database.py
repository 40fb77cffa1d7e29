"""The scheduled whole-database dump: one ``pg_dump --format=custom`` file per run in a
directory, and every dump there older than ``BACKUP_RETENTION_DAYS`` deleted, so a destroyed
record lives on in the backups for that long at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from casushub.platform.backup.pgtools import check_client_version, libpq_url, pg_binary, run_tool

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

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
        run_tool(
            [
                pg_dump,
                "--format=custom",
                f"--file={partial}",
                f"--dbname={libpq_url(settings.database_url)}",
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
