"""The migration runner's rendered-script path and its fallbacks to Alembic online.

Tenant revisions are rendered once to SQL and replayed per tenant (casushub/platform/migrate/).
These tests pin down when that must NOT happen, and that concurrent tenants in one process
each get their own DDL.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_admin_engine
from casushub.platform.migrate import revisions as migrations
from casushub.platform.migrate import scripts
from casushub.platform.migrate.revisions import servable_tenant_revision, tenant_head
from casushub.platform.migrate.runs import migrate_tenants
from casushub.platform.models import Tenant
from casushub.platform.registry import (
    TenantUnavailable,
    create_hub,
    create_tenant,
    servable_tenant,
)
from casushub.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HEADER = """import sqlalchemy as sa
from alembic import op

revision = "t9998"
down_revision = {down!r}
branch_labels = None
depends_on = None
"""
# Adds a column and fills it from the data: a per-tenant value no single script can hold.
READS_DATA = """

def upgrade() -> None:
    op.add_column("persoon", sa.Column("aantal", sa.Integer()))
    count = op.get_bind().execute(sa.text("SELECT count(*) FROM persoon")).scalar_one()
    op.execute(f"UPDATE persoon SET aantal = {int(count)}")
"""
FLAGGED = """
online_only = True


def upgrade() -> None:
    op.add_column("persoon", sa.Column("aantal", sa.Integer()))
"""
PLAIN = """

def upgrade() -> None:
    op.add_column("persoon", sa.Column("aantal", sa.Integer()))
    op.create_index("ix_persoon_aantal", "persoon", ["aantal"])
"""
SLUGS = ["ms_a", "ms_b", "ms_c", "ms_d", "ms_e"]


@contextmanager
def _with_revision(tmp_path: Path, body: str) -> Iterator[None]:
    copy = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    text = HEADER.format(down=tenant_head()) + body
    (copy / "tenant" / "versions" / "9998_extra.py").write_text(text)
    saved = migrations.MIGRATIONS_DIR
    migrations.MIGRATIONS_DIR = copy
    migrations.script_directory.cache_clear()
    try:
        yield
    finally:
        migrations.MIGRATIONS_DIR = saved
        migrations.script_directory.cache_clear()


@pytest.fixture
async def engine(database_factory: Callable[[], Awaitable[Settings]]) -> AsyncIterator[AsyncEngine]:
    """A fresh database with five tenants at head, the i-th holding i personen."""
    settings = await database_factory()
    engine = create_admin_engine(settings)
    await create_hub(engine, slug="scripts", name="Scripts")
    for number, slug in enumerate(SLUGS):
        await create_tenant(engine, settings, slug=slug, name=slug, gemeentecode=f"96{number:02d}")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                f"INSERT INTO t_{slug}.persoon (id, naam, gemeente_van_verblijf) "
                f"SELECT gen_random_uuid(), 'P' || g, '9600' FROM generate_series(1, {number}) g"
            )
    yield engine
    await engine.dispose()


async def _column(engine: AsyncEngine, slug: str) -> list[int | None]:
    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql(f"SELECT aantal FROM t_{slug}.persoon")
        return [row[0] for row in rows]


async def _revisions(engine: AsyncEngine) -> dict[str, tuple[str | None, str | None]]:
    """slug -> (registry's revision, the schema's own)."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(Tenant.slug, Tenant.schema_revision))).all()
        result = {}
        for slug, recorded in rows:
            own = await conn.exec_driver_sql(f"SELECT version_num FROM t_{slug}.alembic_version")
            result[slug] = (recorded, own.scalar())
    return result


async def test_revision_that_reads_data_runs_online_per_tenant(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    with _with_revision(tmp_path, READS_DATA):
        report = await migrate_tenants(engine, concurrency=4)
        assert report.ok, report.failed
        assert sorted(report.migrated) == SLUGS
        for number, slug in enumerate(SLUGS):
            # Each tenant counted its own rows: a shared script would have one value for all.
            assert await _column(engine, slug) == [number] * number
        assert set((await _revisions(engine)).values()) == {("t9998", "t9998")}


async def test_revision_flagged_online_only_is_not_rendered(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    head = tenant_head()
    with _with_revision(tmp_path, FLAGGED):
        assert await scripts.tenant_script(head, "t9998") is None
        previous = migrations.script_directory("tenant").get_revision("t9998").down_revision
        assert isinstance(previous, str)
        assert await scripts.tenant_script(previous, "t9998") is None
        report = await migrate_tenants(engine, concurrency=2)
        assert report.ok, report.failed
        assert set((await _revisions(engine)).values()) == {("t9998", "t9998")}


async def test_concurrent_tenants_each_get_their_own_ddl(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    with _with_revision(tmp_path, PLAIN):
        report = await migrate_tenants(engine, concurrency=4)
        assert report.ok, report.failed
        async with engine.connect() as conn:
            indexes = await conn.exec_driver_sql(
                "SELECT schemaname FROM pg_indexes WHERE indexname = 'ix_persoon_aantal'"
            )
            assert sorted(row[0] for row in indexes) == [f"t_{slug}" for slug in SLUGS]
        assert set((await _revisions(engine)).values()) == {("t9998", "t9998")}


async def test_registry_behind_the_schema_follows_the_schema(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    head = tenant_head()
    first = migrations.script_directory("tenant").get_revision(head).down_revision
    assert isinstance(first, str), "needs at least two tenant revisions"
    async with engine.begin() as conn:
        # Drift by hand: the registry claims an older revision than the schema has.
        await conn.execute(
            update(Tenant).where(Tenant.slug == "ms_c").values(schema_revision=first)
        )
    with _with_revision(tmp_path, PLAIN):
        report = await migrate_tenants(engine, concurrency=1)
        assert report.ok, report.failed
        assert "ms_c" in report.migrated
        assert (await _revisions(engine))["ms_c"] == ("t9998", "t9998")


async def test_failing_script_keeps_nothing_of_that_tenant(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    async with engine.begin() as conn:
        # The index name is taken in one tenant: its script fails at the second statement.
        await conn.exec_driver_sql("CREATE INDEX ix_persoon_aantal ON t_ms_d.persoon (naam)")
    with _with_revision(tmp_path, PLAIN):
        report = await migrate_tenants(engine, concurrency=4)
        assert list(report.failed) == ["ms_d"]
        assert "ix_persoon_aantal" in report.failed["ms_d"]
        revisions = await _revisions(engine)
        assert revisions["ms_d"][0] == revisions["ms_d"][1] != "t9998"
        async with engine.connect() as conn:
            added = await conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = 't_ms_d' AND table_name = 'persoon' "
                "AND column_name = 'aantal'"
            )
            assert added.scalar() == 0  # the column from the first statement was rolled back


@pytest.mark.parametrize("kind", ["platform", "tenant"])
def test_revision_ids_sort_in_chain_order(kind: str) -> None:
    """servable_revision compares revision ids as strings: the chain must keep them sortable."""
    chain = [r.revision for r in reversed(list(migrations.script_directory(kind).walk_revisions()))]
    letter = kind[0]
    assert chain, kind
    for revision in chain:
        assert migrations.REVISION_ID.match(revision), revision
        assert revision.startswith(letter), revision
    assert chain == sorted(chain)
    assert len(set(chain)) == len(chain)


async def test_old_code_serves_a_newer_tenant_schema_never_an_older_one(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> None:
    """During a rolling upgrade the migration Job runs first; the old release's pods and
    workers keep serving the tenants it moved ahead (expand/contract keeps that safe)."""
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"rollend_{code}",
        name=f"Gemeente R{code}",
        gemeentecode=code,
        hub_slug=hub,
    )
    head = tenant_head()
    newer = f"t{int(head[1:]) + 1:04d}"
    outcome = {}
    for revision in ("t0001", newer, "p9999", head):
        async with admin_engine.begin() as conn:
            await conn.execute(
                update(Tenant).where(Tenant.id == tenant.id).values(schema_revision=revision)
            )
        async with admin_engine.connect() as conn:
            try:
                outcome[revision] = (await servable_tenant(conn, tenant.id)).slug
            except TenantUnavailable as exc:
                outcome[revision] = str(exc)
            listed = await conn.scalar(
                select(Tenant.id).where(
                    Tenant.id == tenant.id, servable_tenant_revision(Tenant.schema_revision)
                )
            )
        assert (listed is not None) == (outcome[revision] == tenant.slug), revision
    assert outcome[newer] == outcome[head] == tenant.slug
    assert "schema niet bijgewerkt" in outcome["t0001"]
    assert "schema niet bijgewerkt" in outcome["p9999"]
