"""The ``casushub`` command-line tool."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from casushub.platform import klok
from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.migrate import MigrationReport
    from casushub.platform.settings import Settings

__all__ = ["main"]

T = TypeVar("T")


def _run(fn: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run ``fn`` with an owner engine and dispose of it afterwards."""
    from casushub.platform.database import create_admin_engine

    async def wrapper() -> T:
        engine = create_admin_engine(get_settings())
        try:
            return await fn(engine)
        finally:
            await engine.dispose()

    return asyncio.run(wrapper())


def _fail(message: str) -> NoReturn:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """casushub: het casusoverleg radicalisering, per gemeente afgeschermd."""
    # A wrong variable (SECRET_KEY too short, BACKUP_RETENTION_DAYS out of range …) is the
    # operator's input: a Dutch line, not a traceback. Read, not cached: `casushub dev` sets
    # variables of its own before the settings are used.
    from casushub.platform.settings import Settings

    try:
        Settings.from_env()
    except ValueError as exc:
        _fail(f"configuratie: {exc}")


@main.group()
def db() -> None:
    """Het gedeelde platform-schema."""


@db.command("migrate")
def db_migrate() -> None:
    """Breng het platform-schema naar de nieuwste versie en zet de rollen goed."""
    from casushub.platform.migrate import migrate_platform

    revision = _run(lambda engine: migrate_platform(engine, get_settings()))
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


@main.group()
def hubs() -> None:
    """Hubs (Zorg- en Veiligheidshuis, centrumgemeente)."""


@hubs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Naam van de hub.")
@click.option(
    "--type", "hub_type", default="zvh", type=click.Choice(["zvh", "centrumgemeente", "gemeente"])
)
@click.option(
    "--if-missing",
    is_flag=True,
    help="Bestaat de hub al, dan niets doen (voor een installatie-Job die opnieuw kan draaien).",
)
def hubs_create(slug: str, name: str, hub_type: str, if_missing: bool) -> None:
    """Maak een hub aan."""
    from casushub.platform.registry import RegistryError, create_hub

    if if_missing and _run(lambda engine: _hub_exists(engine, slug)):
        click.echo(f"hub {slug} bestaat al")
        return
    try:
        _run(lambda engine: create_hub(engine, slug=slug, name=name, type=hub_type))
    except RegistryError as exc:
        _fail(exc.message)
    click.echo(f"hub {slug} aangemaakt")


async def _hub_exists(engine: AsyncEngine, slug: str) -> bool:
    from sqlalchemy import select

    from casushub.platform.models import Hub

    async with engine.connect() as conn:
        return (await conn.execute(select(Hub.id).where(Hub.slug == slug))).first() is not None


@main.group()
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
        _run(
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
        _fail(exc.message)
    click.echo(f"gemeente {slug} aangemaakt (schema t_{slug})")


@tenants.command("list")
def tenants_list() -> None:
    """Toon alle gemeenten met hun schemaversie en status."""
    from casushub.platform.registry import list_tenants

    async def fetch(engine: AsyncEngine) -> list[tuple[str, ...]]:
        async with engine.connect() as conn:
            rows = await list_tenants(conn)
        return [(r.slug, r.name, r.schema_revision or "-", r.status, r.hub_slug) for r in rows]

    rows = _run(fetch)
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
    from casushub.platform.migrate import MigrationLocked, migrate_tenants

    if all_tenants == bool(slugs):
        _fail("geef --all of een of meer slugs op (niet allebei).")

    def progress(done: int, total: int, slug: str) -> None:
        click.echo(f"[{done}/{total}] {slug}", err=True)

    try:
        report = _run(
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
        _fail(str(exc))
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
    from casushub.platform.backup import BackupError, backup_tenant

    try:
        tables = _run(lambda engine: backup_tenant(engine, get_settings(), slug, out))
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"back-up van {slug} geschreven naar {out} ({tables} tabellen)")


@tenants.command("restore")
@click.argument(
    "archive", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE"
)
@click.option("--as", "as_slug", default=None, help="Herstel onder een andere korte naam.")
def tenants_restore(archive: Path, as_slug: str | None) -> None:
    """Herstel een gemeente uit een back-up (ook in een andere, lege database)."""
    from casushub.platform.backup import BackupError, restore_tenant
    from casushub.platform.registry import RegistryError

    try:
        result = _run(
            lambda engine: restore_tenant(engine, get_settings(), archive, as_slug=as_slug)
        )
    except RegistryError as exc:
        _fail(exc.message)
    except BackupError as exc:
        _fail(str(exc))
    hub = f"hub {result.hub_slug} aangemaakt" if result.hub_created else f"hub {result.hub_slug}"
    click.echo(
        f"gemeente {result.tenant.slug} hersteld (schema {result.tenant.schema}, "
        f"{result.tables} tabellen, {hub})"
    )


@main.command("worker")
@click.argument("modules", nargs=-1)
@click.option(
    "--threads", default=None, type=click.IntRange(1, 64), help="Standaard: WORKER_THREADS."
)
def worker(modules: tuple[str, ...], threads: int | None) -> None:
    """Start een worker voor achtergrondtaken (extra modules met actors mogen erbij)."""
    from casushub.platform.logs import configure_logging
    from casushub.workers.worker import run_worker

    settings = get_settings()
    configure_logging(settings)
    sys.exit(run_worker(settings, threads=threads, modules=modules))


@main.command("scheduler")
def scheduler() -> None:
    """Start de planner (één tegelijk actief; een tweede wacht stand-by)."""
    from casushub.platform.logs import configure_logging
    from casushub.workers.scheduler import run_scheduler

    settings = get_settings()
    configure_logging(settings)
    sys.exit(asyncio.run(run_scheduler(settings)))


@main.command("mailsink")
@click.option("--port", default=8025, show_default=True, type=int)
def mailsink(port: int) -> None:
    """Ontwikkeling: vang alle e-mail op (DATA_DIR/mail) in plaats van te versturen."""
    from casushub.platform.mailsink import run_mailsink

    sys.exit(run_mailsink(get_settings(), port))


@main.group()
def jobs() -> None:
    """Achtergrondtaken: mislukte berichten bekijken en opnieuw starten."""


@jobs.command("failed")
@click.option("--all", "include_retried", is_flag=True, help="Ook al opnieuw gestarte berichten.")
def jobs_failed(include_retried: bool) -> None:
    """Toon berichten waarvan alle pogingen mislukt zijn."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.deadletters import list_dead_letters

    async def fetch() -> list[tuple[str, ...]]:
        engine = create_app_engine(get_settings())
        try:
            rows = await list_dead_letters(engine, include_retried=include_retried)
        finally:
            await engine.dispose()
        return [
            (
                str(r.message_id),
                r.actor_name,
                str(r.tenant_id or "-"),
                r.failed_at.isoformat(timespec="seconds"),
                "opnieuw gestart" if r.retried_at else r.error,
            )
            for r in rows
        ]

    rows = asyncio.run(fetch())
    if not rows:
        click.echo("geen mislukte berichten")
    for row in rows:
        click.echo("  ".join(row))


@jobs.command("retry")
@click.argument("message_id", type=click.UUID)
def jobs_retry(message_id: uuid.UUID) -> None:
    """Verstuur een mislukt bericht opnieuw (zelfde id, nieuwe pogingen)."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.broker import configure
    from casushub.workers.deadletters import UnknownDeadLetter, retry_dead_letter

    async def retry() -> None:
        settings = get_settings()
        broker = configure(settings)
        engine = create_app_engine(settings)
        try:
            await retry_dead_letter(engine, broker, message_id)
        finally:
            await engine.dispose()
            broker.close()

    try:
        asyncio.run(retry())
    except UnknownDeadLetter as exc:
        _fail(str(exc))
    click.echo(f"bericht {message_id} opnieuw verstuurd")


@main.group()
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
        _fail(str(exc))

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
        _fail(str(exc))
    if koppen_path:
        write_koppen(koppen_path, witnesses, reports)
        if all(report.ok for _, report in reports):
            _record_periodic_success("audit.verify")
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


@main.command("demo")
def demo() -> None:
    """Laad de demoregio (idempotent)."""
    from casushub.cli.demo import load_demo

    for line in _run(lambda engine: load_demo(engine, get_settings())):
        click.echo(line)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Start de webserver (uvicorn)."""
    import uvicorn

    uvicorn.run(
        "casushub.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )


@main.command("dev")
@click.option("--port", default=8000, show_default=True, type=int)
def dev(port: int) -> None:
    """Start het hele platform lokaal met ingebedde PostgreSQL en demodata."""
    from casushub.cli.devserver import run_dev

    sys.exit(run_dev(port))


# --- Operations: backups, the retention sweep after a restore --------------------------------
# Kept together and apart from the rest, so they move as one piece to the composition layer.


def _record_periodic_success(kind: str) -> None:
    """What the metrics report as this job's last success (the scheduled CronJobs)."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.heartbeat import record_success

    async def record() -> None:
        engine = create_app_engine(get_settings())
        try:
            await record_success(engine, kind)
        finally:
            await engine.dispose()

    asyncio.run(record())


def _database_backup(directory: Path) -> None:
    from casushub.platform.backup import BackupError, backup_database

    settings = get_settings()
    if not settings.database_url:
        _fail("DATABASE_URL (de eigenaarsrol) is nodig voor een back-up van de hele database.")
    try:
        made = _run(lambda engine: backup_database(engine, settings, directory))
    except BackupError as exc:
        _fail(str(exc))
    size = made.path.stat().st_size
    click.echo(
        f"back-up geschreven: {made.path} ({size} bytes, pg_dump {made.client_major}, "
        f"server {made.server_major})"
    )
    for old in made.removed:
        click.echo(f"verwijderd (ouder dan {settings.backup_retention_days} dagen): {old.name}")
    _record_periodic_success("db.backup")


@main.group()
def bewaartermijnen() -> None:
    """Bewaartermijnen: vernietigen wat zijn termijn voorbij is."""


@bewaartermijnen.command("sweep")
@click.option("--dry-run", is_flag=True, help="Toon wat vernietigd zou worden; vernietig niets.")
@click.option("--tenant", "slug", default=None, help="Alleen deze gemeente (slug).")
def bewaartermijnen_sweep(dry_run: bool, slug: str | None) -> None:
    """Vernietig nu wat vandaag vernietigd moet zijn, in elke gemeente.

    Na het terugzetten van een back-up van de hele database staat alles weer in de database
    wat sinds die back-up al vernietigd was. Draai dan eerst deze opdracht (eerst met
    --dry-run), voordat het platform weer gebruikt wordt. Ook beëindigde gemeenten waarvan de
    vernietigingsdatum voorbij is, gaan dan (opnieuw) weg.
    """
    settings = get_settings()
    outcome = asyncio.run(_sweep_all(settings, dry_run=dry_run, slug=slug))
    for line in outcome.lines:
        click.echo(line)
    for line in outcome.problems:
        click.echo(f"MISLUKT {line}", err=True)
    if outcome.problems:
        sys.exit(1)


class _SweepOutcome:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.problems: list[str] = []


async def _sweep_all(settings: Settings, *, dry_run: bool, slug: str | None) -> _SweepOutcome:
    """Every served or suspended municipality in its own transaction, then terminated ones."""

    from sqlalchemy import select

    from casushub.platform.database import create_admin_engine, create_app_engine
    from casushub.platform.ids import new_id
    from casushub.platform.migrate import servable_revision, tenant_head
    from casushub.platform.models import Tenant, TenantStatus
    from casushub.platform.tenancy import TenantRef, tenant_session
    from casushub.tenants.actor import Actor
    from casushub.tenants.bewaartermijnen.sweep import proefrun, vernietig

    outcome = _SweepOutcome()
    today = klok.vandaag()
    batch = new_id()
    actor = Actor.system(f"bewaartermijnen:cli:{batch}")
    engine = create_app_engine(settings)
    try:
        query = select(
            Tenant.id, Tenant.slug, Tenant.status, Tenant.schema_revision, Tenant.vernietigen_op
        )
        if slug is not None:
            query = query.where(Tenant.slug == slug)
        async with engine.connect() as conn:
            rows = (await conn.execute(query.order_by(Tenant.slug))).all()
        if slug is not None and not rows:
            outcome.problems.append(f"{slug}: onbekende gemeente")
        # Suspended ones too: a restore brings back their destroyed records as well.
        swept = {TenantStatus.ACTIVE.value, TenantStatus.SUSPENDED.value}
        for row in rows:
            if row.status not in swept:
                continue
            if not servable_revision(row.schema_revision, tenant_head()):
                outcome.problems.append(
                    f"{row.slug}: schema niet bijgewerkt; eerst casushub tenants migrate {row.slug}"
                )
                continue
            tenant = TenantRef(row.id, row.slug)
            try:
                async with tenant_session(engine, tenant, settings) as session, session.begin():
                    if dry_run:
                        plan = await proefrun(session, actor, vandaag=today, dagen=0)
                        outcome.lines.append(
                            f"{row.slug}: {len(plan.te_vernietigen)} te vernietigen, "
                            f"{len(plan.geblokkeerd)} geblokkeerd (proefrun, niets vernietigd)"
                        )
                    else:
                        ronde = await vernietig(session, actor, vandaag=today, batch_id=batch)
                        outcome.lines.append(
                            f"{row.slug}: {len(ronde.vernietigd)} vernietigd, "
                            f"{len(ronde.geblokkeerd)} geblokkeerd, {len(ronde.mislukt)} mislukt, "
                            f"{ronde.logregels_opgeschoond} logregels opgeschoond"
                        )
                        if ronde.mislukt:
                            outcome.problems.append(
                                f"{row.slug}: {len(ronde.mislukt)} records niet vernietigd"
                            )
            except Exception as exc:  # noqa: BLE001 - reported per municipality; others go on
                outcome.problems.append(f"{row.slug}: {type(exc).__name__}: {exc}"[:500])
        due = [
            row.slug
            for row in rows
            if row.status == TenantStatus.TERMINATING.value
            and row.vernietigen_op is not None
            and row.vernietigen_op <= today
        ]
        if due and dry_run:
            outcome.lines.append(
                "beëindigde gemeenten, termijn voorbij (proefrun): " + ", ".join(due)
            )
        elif due:
            if not settings.database_url:
                outcome.problems.append(
                    "beëindigde gemeenten " + ", ".join(due) + ": DATABASE_URL nodig (eigenaar)"
                )
            else:
                from casushub.crosstenant.lifecycle import vernietig_beeindigde

                admin = create_admin_engine(settings)
                try:
                    gone = await vernietig_beeindigde(admin, settings, today)
                finally:
                    await admin.dispose()
                outcome.lines.append("beëindigde gemeenten vernietigd: " + ", ".join(gone))
    finally:
        await engine.dispose()
    return outcome


def _identity_commands() -> None:
    from casushub.platform.identity.commands import gebruikers, organisaties

    main.add_command(organisaties)
    main.add_command(gebruikers)


_identity_commands()
