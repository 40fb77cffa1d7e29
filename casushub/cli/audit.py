"""``casushub audit …``: checking the hash chains of the verwerkingenlog (access log)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from casushub.cli.run import fail, record_periodic_success
from casushub.platform.settings import get_settings


@click.group()
def audit() -> None:
    """Het verwerkingenlog (toegangslog) controleren."""


@audit.command("verify")
@click.option("--tenant", "slug", default=None, help="Alleen deze gemeente (slug).")
@click.option(
    "--koppen",
    "koppen_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Bestand met de eerder vastgelegde koppen van de ketens (buiten de database "
    "bewaren); wordt gecontroleerd en bijgewerkt.",
)
def audit_verify(slug: str | None, koppen_path: Path | None) -> None:
    """Herbereken de hashketen van het verwerkingenlog; meldt de eerste gebroken regel."""
    from casushub.platform.database import create_app_engine
    from casushub.tenants.verwerkingenlog.audit import UnknownTenant, verify_tenants
    from casushub.tenants.verwerkingenlog.chain import ChainReport
    from casushub.tenants.verwerkingenlog.koppen import KoppenFileError, read_koppen, write_koppen

    try:
        witnesses = read_koppen(koppen_path) if koppen_path else {}
    except KoppenFileError as exc:
        fail(str(exc))

    async def run() -> list[tuple[str, ChainReport]]:
        settings = get_settings()
        engine = create_app_engine(settings)
        try:
            return await verify_tenants(engine, settings, slug, witnesses)
        finally:
            await engine.dispose()

    try:
        reports = asyncio.run(run())
    except UnknownTenant as exc:
        fail(str(exc))
    if koppen_path:
        write_koppen(koppen_path, witnesses, reports)
        if all(report.ok for _, report in reports):
            record_periodic_success("audit.verify")
    broken = 0
    for tenant_slug, report in reports:
        if report.ok:
            head = f", laatste {report.head[0]} {report.head[1]}" if report.head else ""
            click.echo(f"{tenant_slug}: in orde ({report.checked} regels{head})")
        else:
            broken += 1
            click.echo(
                f"{tenant_slug}: GEBROKEN bij volgnummer {report.broken_at}: {report.reason}",
                err=True,
            )
    if broken:
        sys.exit(1)
