"""Migrating many tenant schemas: lock, progress, resume, failures reported, exit code."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dbkit import casushub_cli
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine
from casushub.platform.migrate import revisions as migrations
from casushub.platform.migrate import runs
from casushub.platform.migrate.revisions import tenant_head
from casushub.platform.migrate.runs import MigrationLocked, migrate_tenants
from casushub.platform.models import Tenant
from casushub.platform.registry import create_hub, create_tenant
from casushub.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXTRA = '''"""Extra revision for tests: a column and an index on persoon."""
import sqlalchemy as sa
from alembic import op

revision = "t9999"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("persoon", sa.Column("notitie", sa.String(50)))
    op.create_index("ix_persoon_notitie", "persoon", ["notitie"])


def downgrade() -> None:
    op.drop_index("ix_persoon_notitie", "persoon")
    op.drop_column("persoon", "notitie")
'''


@pytest.fixture
def extra_revision(tmp_path: Path) -> Iterator[Path]:
    """Point the runner at a copy of migrations/ with one more tenant revision."""
    copy = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tenant" / "versions" / "9999_extra.py").write_text(EXTRA.format(down=tenant_head()))
    saved = migrations.MIGRATIONS_DIR
    migrations.MIGRATIONS_DIR = copy
    migrations.script_directory.cache_clear()
    try:
        yield copy
    finally:
        migrations.MIGRATIONS_DIR = saved
        migrations.script_directory.cache_clear()


@dataclass
class Region:
    settings: Settings
    engine: AsyncEngine
    slugs: list[str]


@pytest.fixture
async def region(database_factory: Callable[[], Awaitable[Settings]]) -> AsyncIterator[Region]:
    """A fresh database with three tenants at the current head."""
    settings = await database_factory()
    engine = create_admin_engine(settings)
    await create_hub(engine, slug="regio", name="Regio")
    slugs = ["gem_a", "gem_b", "gem_c"]
    for number, slug in enumerate(slugs):
        await create_tenant(engine, settings, slug=slug, name=slug, gemeentecode=f"97{number:02d}")
    yield Region(settings, engine, slugs)
    await engine.dispose()


async def _revisions(engine: AsyncEngine) -> dict[str, str | None]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(Tenant.slug, Tenant.schema_revision))
        registry: dict[str, str | None] = {slug: rev for slug, rev in rows}
        for slug in list(registry):
            own = await conn.exec_driver_sql(f"SELECT version_num FROM t_{slug}.alembic_version")
            assert own.scalar() == registry[slug], "registry and schema disagree"
    return registry


async def test_migrate_all_applies_new_revision_with_progress(
    region: Region, extra_revision: Path
) -> None:
    seen: list[tuple[int, int, str]] = []
    report = await migrate_tenants(
        region.engine, concurrency=2, progress=lambda k, n, s: seen.append((k, n, s))
    )
    assert report.ok
    assert sorted(report.migrated) == region.slugs
    assert [k for k, _, _ in seen] == [1, 2, 3]
    assert {n for _, n, _ in seen} == {3}
    assert set((await _revisions(region.engine)).values()) == {"t9999"}
    async with region.engine.connect() as conn:
        column = await conn.exec_driver_sql(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'persoon' AND column_name = 'notitie'"
        )
    assert column.scalar() == 3

    again = await migrate_tenants(region.engine)
    assert again.migrated == []
    assert again.up_to_date == 3


async def test_failing_tenant_is_reported_and_others_go_on(
    region: Region, extra_revision: Path
) -> None:
    async with region.engine.begin() as conn:
        # Sabotage one tenant: the column the new revision adds is already there.
        await conn.exec_driver_sql("ALTER TABLE t_gem_b.persoon ADD COLUMN notitie text")
    report = await migrate_tenants(region.engine, concurrency=1)
    assert not report.ok
    assert list(report.failed) == ["gem_b"]
    assert "notitie" in report.failed["gem_b"]
    assert sorted(report.migrated) == ["gem_a", "gem_c"]
    revisions = await _revisions(region.engine)
    assert revisions["gem_b"] != "t9999"  # rolled back as a whole, still on the old head

    async with region.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE t_gem_b.persoon DROP COLUMN notitie")
    resumed = await migrate_tenants(region.engine)
    assert resumed.migrated == ["gem_b"]
    assert resumed.up_to_date == 2


async def test_only_named_tenants_and_unknown_names_fail(
    region: Region, extra_revision: Path
) -> None:
    report = await migrate_tenants(region.engine, slugs=["gem_a", "bestaatniet"])
    assert report.migrated == ["gem_a"]
    assert "bestaatniet" in report.failed
    revisions = await _revisions(region.engine)
    assert revisions["gem_c"] != "t9999"


async def test_second_concurrent_run_is_refused_or_waits(region: Region) -> None:
    async with region.engine.connect() as holder:
        await holder.exec_driver_sql(f"SELECT pg_advisory_lock({runs._TENANT_LOCK})")
        await holder.commit()
        with pytest.raises(MigrationLocked, match="Er loopt al een migratie"):
            await migrate_tenants(region.engine)
        waiting = asyncio.create_task(migrate_tenants(region.engine, wait=True))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await holder.exec_driver_sql(f"SELECT pg_advisory_unlock({runs._TENANT_LOCK})")
        await holder.commit()
        report = await asyncio.wait_for(waiting, timeout=30)
    assert report.ok


async def test_terminated_tenants_are_not_migrated(region: Region, extra_revision: Path) -> None:
    async with region.engine.begin() as conn:
        await conn.execute(update(Tenant).where(Tenant.slug == "gem_c").values(status="terminated"))
    report = await migrate_tenants(region.engine)
    assert sorted(report.migrated) == ["gem_a", "gem_b"]
    assert report.total == 2


def _cli(settings: Settings, migrations: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = casushub_cli(
        settings, *args, CASUSHUB_MIGRATIONS=str(migrations)
    )
    return done


async def test_cli_migrate_reports_failures_and_exits_non_zero(
    region: Region, extra_revision: Path
) -> None:
    async with region.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE t_gem_a.persoon ADD COLUMN notitie text")
    failed = await asyncio.to_thread(
        _cli, region.settings, extra_revision, "tenants", "migrate", "--all"
    )
    assert failed.returncode == 1
    assert "[3/3]" in failed.stderr
    assert "MISLUKT gem_a" in failed.stderr
    assert "2 gemigreerd" in failed.stdout

    listing = await asyncio.to_thread(_cli, region.settings, extra_revision, "tenants", "list")
    assert listing.returncode == 0
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()[1:]}
    assert "t9999" in lines["gem_b"]
    assert "t9999" not in lines["gem_a"]

    usage = await asyncio.to_thread(_cli, region.settings, extra_revision, "tenants", "migrate")
    assert usage.returncode == 1
    assert "--all" in usage.stderr


async def test_cli_create_refuses_bad_input_with_dutch_message(region: Region) -> None:
    result = await asyncio.to_thread(
        _cli,
        region.settings,
        ROOT / "migrations",
        "tenants",
        "create",
        "Fout!",
        "--name",
        "X",
        "--gemeentecode",
        "9711",
    )
    assert result.returncode == 1
    assert "Fout: De korte naam" in result.stderr
    assert "Traceback" not in result.stderr
    ok = await asyncio.to_thread(
        _cli,
        region.settings,
        ROOT / "migrations",
        "tenants",
        "create",
        "gem_d",
        "--name",
        "Gemeente D",
        "--gemeentecode",
        "9711",
    )
    assert ok.returncode == 0, ok.stderr
    assert "gem_d" in (await _revisions(region.engine))
