"""``casushub db …``: the shared platform schema and backups of the whole database."""

from __future__ import annotations

from pathlib import Path

import click

from casushub.cli.run import fail, record_periodic_success, run
from casushub.platform.settings import get_settings


@click.group()
def db() -> None:
    """Het gedeelde platform-schema."""


@db.command("migrate")
def db_migrate() -> None:
    """Breng het platform-schema naar de nieuwste versie en zet de rollen goed."""
    from casushub.platform.migrate.runs import migrate_platform

    revision = run(lambda engine: migrate_platform(engine, get_settings()))
    click.echo(f"platform-schema op versie {revision}")


@db.command("backup")
@click.option(
    "--dir",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Map voor de dumps (een volume dat blijft bestaan, niet /tmp).",
)
def db_backup(directory: Path) -> None:
    """Maak een dump van de hele database en verwijder dumps ouder dan BACKUP_RETENTION_DAYS."""
    _database_backup(directory)


def _database_backup(directory: Path) -> None:
    from casushub.platform.backup.database import backup_database
    from casushub.platform.backup.pgtools import BackupError

    settings = get_settings()
    if not settings.database_url:
        fail("DATABASE_URL (de eigenaarsrol) is nodig voor een back-up van de hele database.")
    try:
        made = run(lambda engine: backup_database(engine, settings, directory))
    except BackupError as exc:
        fail(str(exc))
    size = made.path.stat().st_size
    click.echo(
        f"back-up geschreven: {made.path} ({size} bytes, pg_dump {made.client_major}, "
        f"server {made.server_major})"
    )
    for old in made.removed:
        click.echo(f"verwijderd (ouder dan {settings.backup_retention_days} dagen): {old.name}")
    record_periodic_success("db.backup")
