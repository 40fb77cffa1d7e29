"""After a whole-database restore nothing that was destroyed may come back: the scheduled backup
(`casushub db backup`) is restored into another database, and `casushub bewaartermijnen sweep`
destroys again what the nightly sweep had destroyed since the backup was taken.

Also: the backup keeps no dump longer than BACKUP_RETENTION_DAYS.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from dbkit import casushub_cli
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.backup.database import DUMP_NAME
from casushub.platform.backup.pgtools import libpq_url, pg_binary
from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.devdb import create_database, with_database
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings, asyncpg_url, url_with_user
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.bewaartermijnen.sweep import vernietig
from casushub.tenants.casus.models import Casus
from casushub.tenants.signalen.models import Signaal

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "privacy"))
from retentiekit import SYSTEEM, afgesloten_casus, signaal_geen_actie

ROOT = Path(__file__).resolve().parents[2]


async def _count(engine: AsyncEngine, settings: Settings, tenant: TenantRef, model: type) -> int:
    async with tenant_session(engine, tenant, settings) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _restore_into_new_database(
    server_url: str, source: Settings, dump: Path, name: str
) -> Settings:
    """pg_restore into an empty database on the same server (the roles exist there)."""
    await create_database(server_url, name)
    url = asyncpg_url(with_database(server_url, name))
    target = replace(
        source,
        database_url=url,
        app_database_url=url_with_user(url, source.app_role, ""),
    )
    result = await asyncio.to_thread(
        subprocess.run,
        [
            pg_binary("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={libpq_url(url)}",
            str(dump),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return target


async def _drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(libpq_url(asyncpg_url(with_database(server_url, "postgres"))))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def test_sweep_after_a_restore_destroys_what_was_due_before_the_backup(
    database_factory: Callable[[], Awaitable[Settings]], server_url: str, tmp_path: Path
) -> None:
    source = await database_factory()
    admin = create_admin_engine(source)
    app = create_app_engine(source)
    await create_hub(admin, slug="herstelhub", name="Herstel-ZVH")
    tenant = await create_tenant(
        admin, source, slug="herstel", name="Gemeente Herstel", gemeentecode="9690"
    )
    async with tenant_session(app, tenant, source) as session, session.begin():
        due_casus = await afgesloten_casus(session, "Dirk Verlopen")
        due_signaal = await signaal_geen_actie(session, "Sien Verlopen", dagen_geleden=400)
        kept = await afgesloten_casus(session, "Karel Blijft", afgesloten_jaren_geleden=1)
    assert due_casus.casus_id
    assert kept.casus_id

    # The nightly backup, then the nightly sweep (the order of the chart's schedule).
    backups = tmp_path / "backup"
    made = await asyncio.to_thread(casushub_cli, source, "db", "backup", "--dir", str(backups))
    assert made.returncode == 0, made.stderr
    (dump,) = backups.glob("casushub-*.dump")
    async with tenant_session(app, tenant, source) as session, session.begin():
        ronde = await vernietig(session, SYSTEEM)
    assert {k.record_id for k in ronde.vernietigd} == {due_casus.casus_id, due_signaal.signaal_id}
    await app.dispose()
    await admin.dispose()

    name = f"{source.database_url.rsplit('/', 1)[1]}_hersteld"
    try:
        target = await _restore_into_new_database(server_url, source, dump, name)
        # The guide's restore steps: roles and grants, then the schemas' revisions.
        for step in (("db", "migrate"), ("tenants", "migrate", "--all")):
            done = await asyncio.to_thread(casushub_cli, target, *step)
            assert done.returncode == 0, done.stderr
        target_app = create_app_engine(target)
        try:
            # What the nightly sweep had destroyed is back ...
            assert await _count(target_app, target, tenant, Casus) == 2
            assert await _count(target_app, target, tenant, Signaal) >= 3
            assert await _count(target_app, target, tenant, Vernietigingsbewijs) == 0

            # ... a dry run lists it and destroys nothing ...
            dry = await asyncio.to_thread(
                casushub_cli, target, "bewaartermijnen", "sweep", "--dry-run"
            )
            assert dry.returncode == 0, dry.stderr
            assert "herstel: 2 te vernietigen, 0 geblokkeerd (proefrun" in dry.stdout
            assert await _count(target_app, target, tenant, Casus) == 2

            # ... and the sweep destroys it again, with receipts; what is not due stays.
            swept = await asyncio.to_thread(casushub_cli, target, "bewaartermijnen", "sweep")
            assert swept.returncode == 0, swept.stderr
            assert "herstel: 2 vernietigd" in swept.stdout
            async with tenant_session(target_app, tenant, target) as session:
                casussen = set((await session.execute(select(Casus.id))).scalars())
                signalen = set((await session.execute(select(Signaal.id))).scalars())
                receipts = {
                    r.record_id
                    for r in (await session.execute(select(Vernietigingsbewijs))).scalars()
                }
            assert casussen == {kept.casus_id}
            assert due_signaal.signaal_id not in signalen
            assert {due_casus.casus_id, due_signaal.signaal_id} <= receipts

            again = await asyncio.to_thread(casushub_cli, target, "bewaartermijnen", "sweep")
            assert again.returncode == 0
            assert "herstel: 0 vernietigd" in again.stdout
        finally:
            await target_app.dispose()
    finally:
        await _drop_database(server_url, name)


async def test_sweep_refuses_a_municipality_behind_its_schema(
    settings: Settings,
    admin_engine: AsyncEngine,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    tenant = await fresh_tenant()
    async with admin_engine.begin() as conn:
        await conn.execute(
            text("UPDATE platform.tenants SET schema_revision = 't0001' WHERE id = :id"),
            {"id": tenant.id},
        )
    try:
        result = await asyncio.to_thread(
            casushub_cli, settings, "bewaartermijnen", "sweep", "--dry-run", "--tenant", tenant.slug
        )
    finally:
        async with admin_engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE platform.tenants SET schema_revision = "
                    "(SELECT max(version_num) FROM " + tenant.schema + ".alembic_version) "
                    "WHERE id = :id"
                ),
                {"id": tenant.id},
            )
    assert result.returncode == 1
    assert f"MISLUKT {tenant.slug}: schema niet bijgewerkt" in result.stderr
    assert "Traceback" not in result.stderr
    unknown = await asyncio.to_thread(
        casushub_cli, settings, "bewaartermijnen", "sweep", "--dry-run", "--tenant", "bestaatniet"
    )
    assert unknown.returncode == 1
    assert "bestaatniet: onbekende gemeente" in unknown.stderr


async def test_db_backup_keeps_dumps_for_the_retention_period_only(
    settings: Settings, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    old = tmp_path / f"casushub-{now - timedelta(days=11):%Y%m%dT%H%M%SZ}.dump"
    recent = tmp_path / f"casushub-{now - timedelta(days=9):%Y%m%dT%H%M%SZ}.dump"
    other = tmp_path / "notities.txt"
    for path in (old, recent, other):
        path.write_text("x")
    result = await asyncio.to_thread(
        casushub_cli, settings, "db", "backup", "--dir", str(tmp_path), BACKUP_RETENTION_DAYS="10"
    )
    assert result.returncode == 0, result.stderr
    assert f"verwijderd (ouder dan 10 dagen): {old.name}" in result.stdout
    assert not old.exists()
    assert recent.exists()
    assert other.exists()
    await asyncio.to_thread(_check_new_dump, tmp_path, recent)

    refused = await asyncio.to_thread(
        casushub_cli, settings, "db", "backup", "--dir", str(tmp_path), BACKUP_RETENTION_DAYS="400"
    )
    assert refused.returncode == 1
    assert "Fout: configuratie: BACKUP_RETENTION_DAYS moet tussen 1 en 90" in refused.stderr
    assert "Traceback" not in refused.stderr


def _check_new_dump(directory: Path, recent: Path) -> None:
    dumps = sorted(p for p in directory.iterdir() if DUMP_NAME.match(p.name))
    assert len(dumps) == 2
    newest = dumps[-1]
    assert newest != recent
    listing = subprocess.run(  # noqa: S603 - the PostgreSQL client
        [pg_binary("pg_restore"), "--list", str(newest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert listing.returncode == 0, listing.stderr
    assert "SCHEMA - platform" in listing.stdout
    assert not list(directory.glob(".*.deel"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+asyncpg://o:p%40s@db.internal:5432/casushub?ssl=require",
            "postgresql://o:p%40s@db.internal:5432/casushub?sslmode=require",
        ),
        ("postgresql+asyncpg://o@/casushub?host=/run/pg", "postgresql://o@/casushub?host=/run/pg"),
    ],
)
def test_owner_url_becomes_a_libpq_url(url: str, expected: str) -> None:
    assert libpq_url(url) == expected
