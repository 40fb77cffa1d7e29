"""``casushub tenants …``: municipalities (tenants), each with a schema and a database role of
its own: creating, listing, migrating, and backing up or restoring one of them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from casushub.cli.run import fail, run
from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.migrate.runs import MigrationReport


@click.group()
def tenants() -> None:
    """Gemeenten (tenants): elk een eigen schema en databaserol."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Naam van de gemeente.")
@click.option("--gemeentecode", required=True, help="CBS-gemeentecode, bijvoorbeeld 0363.")
@click.option("--hub", "hub_slug", default=None, help="Hub die de gemeente bedient.")
def tenants_create(slug: str, name: str, gemeentecode: str, hub_slug: str | None) -> None:
    """Registreer een gemeente, maak rol en schema aan en voer alle migraties uit."""
    from casushub.platform.registry import RegistryError, create_tenant

    try:
        run(
            lambda engine: create_tenant(
                engine,
                get_settings(),
                slug=slug,
                name=name,
                gemeentecode=gemeentecode,
                hub_slug=hub_slug,
            )
        )
    except RegistryError as exc:
        fail(exc.message)
    click.echo(f"gemeente {slug} aangemaakt (schema t_{slug})")


@tenants.command("list")
def tenants_list() -> None:
    """Toon alle gemeenten met hun schemaversie en status."""
    from casushub.platform.registry import list_tenants

    async def fetch(engine: AsyncEngine) -> list[tuple[str, ...]]:
        async with engine.connect() as conn:
            rows = await list_tenants(conn)
        return [(r.slug, r.name, r.schema_revision or "-", r.status, r.hub_slug) for r in rows]

    rows = run(fetch)
    header = ("slug", "naam", "versie", "status", "hub")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in [header, *rows]:
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))


@tenants.command("migrate")
@click.argument("slugs", nargs=-1)
@click.option("--all", "all_tenants", is_flag=True, help="Alle gemeenten.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 32))
@click.option("--wait", is_flag=True, help="Wacht op een andere lopende migratie.")
@click.option(
    "--skip",
    "skip",
    multiple=True,
    metavar="SLUG",
    help="Laat deze gemeente ongemoeid (herhaalbaar); zij houdt de onderhoudspagina.",
)
@click.option(
    "--skip-suspended", is_flag=True, help="Laat opgeschorte gemeenten op hun huidige versie."
)
@click.option(
    "--continue-on-failure",
    is_flag=True,
    help="Eindig met 0 ook als gemeenten mislukten (zij houden de onderhoudspagina).",
)
def tenants_migrate(
    slugs: tuple[str, ...],
    all_tenants: bool,
    concurrency: int,
    wait: bool,
    skip: tuple[str, ...],
    skip_suspended: bool,
    continue_on_failure: bool,
) -> None:
    """Migreer gemeenteschema's die achterlopen, elk in een eigen transactie."""
    from casushub.platform.migrate.runs import MigrationLocked, migrate_tenants

    if all_tenants == bool(slugs):
        fail("geef --all of een of meer slugs op (niet allebei).")

    def progress(done: int, total: int, slug: str) -> None:
        click.echo(f"[{done}/{total}] {slug}", err=True)

    try:
        report = run(
            lambda engine: migrate_tenants(
                engine,
                slugs=None if all_tenants else slugs,
                concurrency=concurrency,
                wait=wait,
                progress=progress,
                skip=skip,
                skip_suspended=skip_suspended,
            )
        )
    except MigrationLocked as exc:
        fail(str(exc))
    _report_migration(report, continue_on_failure=continue_on_failure)


def _report_migration(report: MigrationReport, *, continue_on_failure: bool) -> None:
    skipped = f", {len(report.skipped)} overgeslagen" if report.skipped else ""
    click.echo(
        f"doel {report.target}: {len(report.migrated)} gemigreerd, "
        f"{report.up_to_date} al bijgewerkt, {len(report.failed)} mislukt{skipped}"
    )
    for slug, message in sorted(report.failed.items()):
        click.echo(f"MISLUKT {slug}: {message}", err=True)
    for slug, reason in sorted(report.skipped.items()):
        click.echo(f"OVERGESLAGEN {slug}: {reason}", err=True)
    behind = sorted({*report.failed, *report.skipped})
    if behind:
        click.echo(
            "Niet bijgewerkt, dus met de onderhoudspagina tot een volgende run slaagt: "
            + ", ".join(behind)
            + " (casushub tenants migrate SLUG).",
            err=True,
        )
    if not report.ok and not continue_on_failure:
        sys.exit(1)


@tenants.command("backup")
@click.argument("slug")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Doelbestand (tar met pg_dump van het schema en de registergegevens).",
)
def tenants_backup(slug: str, out: Path) -> None:
    """Maak een back-up van één gemeente: haar schema en haar registergegevens."""
    from casushub.platform.backup.pgtools import BackupError
    from casushub.platform.backup.tenant import backup_tenant

    try:
        tables = run(lambda engine: backup_tenant(engine, get_settings(), slug, out))
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"back-up van {slug} geschreven naar {out} ({tables} tabellen)")


@tenants.command("restore")
@click.argument(
    "archive", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE"
)
@click.option("--as", "as_slug", default=None, help="Herstel onder een andere korte naam.")
def tenants_restore(archive: Path, as_slug: str | None) -> None:
    """Herstel een gemeente uit een back-up (ook in een andere, lege database)."""
    from casushub.platform.backup.pgtools import BackupError
    from casushub.platform.backup.tenant import restore_tenant
    from casushub.platform.registry import RegistryError

    try:
        result = run(
            lambda engine: restore_tenant(engine, get_settings(), archive, as_slug=as_slug)
        )
    except RegistryError as exc:
        fail(exc.message)
    except BackupError as exc:
        fail(str(exc))
    hub = f"hub {result.hub_slug} aangemaakt" if result.hub_created else f"hub {result.hub_slug}"
    click.echo(
        f"gemeente {result.tenant.slug} hersteld (schema {result.tenant.schema}, "
        f"{result.tables} tabellen, {hub})"
    )
