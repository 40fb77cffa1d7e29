"""Tenancy benchmark: provisioning and migrations at hub scale.

Run with ``make bench`` (or ``.venv/bin/python bench/tenancy.py --help``). Starts its own
embedded PostgreSQL in a temporary directory unless ``DATABASE_URL`` is set, creates a fresh
database and role prefix, and removes both at the end.

Every figure stands beside a *floor* measured in the same run: the same DDL sent straight over
asyncpg, one round trip per transaction, without Alembic, SQLAlchemy or the registry. The
floor's DDL is not hand-written: it is what Alembic's offline (``--sql``) mode emits for the
tenant environment, so it follows the revisions as they grow.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import benchdb
from benchdb import README, ROOT, for_schema, offline_sql, schema_ddl

from bench.tenancy_report import SECTION_END, SECTION_START, Row, fmt_seconds, section, text_table

EXTRA_REVISION = "tbench1"


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- DDL for the floor -------------------------------------------------------------------------


EXTRA_REVISION_TEXT = '''"""Benchmark only: one small migration (a column and an index).

Revision ID: {revision}
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("persoon", sa.Column("bench_kenmerk", sa.String(40)))
    op.create_index("ix_persoon_bench_kenmerk", "persoon", ["bench_kenmerk"])


def downgrade() -> None:
    op.drop_index("ix_persoon_bench_kenmerk", table_name="persoon")
    op.drop_column("persoon", "bench_kenmerk")
'''


# --- The run -----------------------------------------------------------------------------------


async def _timed(fn: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start


async def _profiled(label: str, enabled: bool, fn: Callable[[], Awaitable[Any]]) -> float:
    """Like _timed; with --profile also prints where the time went (pyinstrument)."""
    if not enabled:
        return await _timed(fn)
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="enabled")
    profiler.start()
    try:
        return await _timed(fn)
    finally:
        profiler.stop()
        print(f"\n=== profile: {label}", file=sys.stderr)
        print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)


async def _floor_migrate(
    pool: asyncpg.Pool, schemas: Iterable[str], ddl: str, concurrency: int
) -> None:
    """The floor for migrate-all: one transaction per schema, ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(schema: str) -> None:
        async with gate, pool.acquire() as conn, conn.transaction():
            await conn.execute(for_schema(ddl, schema))

    await asyncio.gather(*(one(s) for s in schemas))


class Bench:
    def __init__(self, args: argparse.Namespace, server_url: str, migrations: Path) -> None:
        self.args = args
        self.server_url = server_url
        self.migrations = migrations
        self.db = benchdb.BenchDatabase(server_url, "bench")
        self.prefix = self.db.prefix
        self.rows: list[Row] = []
        self._codes = iter(range(1000, 10000))

    def code(self) -> str:
        return f"{next(self._codes):04d}"

    async def run(self) -> list[Row]:
        await self.db.create()
        try:
            await self._run(self.db.url)
        finally:
            await self.db.drop()
        return self.rows

    async def _run(self, db_url: str) -> None:
        from casushub.platform.database import create_admin_engine
        from casushub.platform.migrate import revisions, runs
        from casushub.platform.registry import create_hub

        self.settings = self.db.settings(log_json=True)
        engine = create_admin_engine(self.settings, pool_size=self.args.concurrency + 1)
        pool = await asyncpg.create_pool(
            benchdb.libpq(db_url), min_size=self.args.concurrency, max_size=self.args.concurrency
        )
        try:
            await runs.migrate_platform(engine, self.settings)
            await create_hub(engine, slug="benchhub", name="Bench-ZVH")
            self.head = revisions.tenant_head()
            self.full_ddl = offline_sql(self.migrations, "head")
            await self.provisioning(engine, pool)
            await self.fill(engine, pool)
            await self.noop(engine)
            await self.migrate_all(engine, pool)
        finally:
            await pool.close()
            await engine.dispose()

    # 1. provisioning ---------------------------------------------------------------------------

    async def _provision(self, engine: Any, slug: str) -> None:
        from casushub.platform.registry import create_tenant

        await create_tenant(
            engine,
            self.settings,
            slug=slug,
            name=f"Gemeente {slug}",
            gemeentecode=self.code(),
            hub_slug="benchhub",
        )

    async def _provision_floor(self, pool: asyncpg.Pool, name: str) -> None:
        sql = schema_ddl(f"{self.prefix}_{name}", name, self.settings.app_role)
        sql += for_schema(self.full_ddl, name)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(sql)

    async def provisioning(self, engine: Any, pool: asyncpg.Pool) -> None:
        runs = self.args.provision_runs
        # Warm-up (imports, statement caches, the first catalog growth) is not measured.
        for i in range(3):
            await self._provision(engine, f"warm{i}")
            await self._provision_floor(pool, f"fwarm{i}")
        ours: list[float] = []
        floor: list[float] = []
        for i in range(runs):  # interleaved so both see the same catalog size and cache state
            ours.append(
                await _profiled(
                    "provision",
                    self.args.profile and i == runs - 1,
                    functools.partial(self._provision, engine, f"prov{i:04d}"),
                )
            )
            floor.append(await _timed(functools.partial(self._provision_floor, pool, f"fp{i:04d}")))
        med, fmed = statistics.median(ours), statistics.median(floor)
        self.rows.append(
            Row(
                f"provision one tenant, median of {runs}",
                med,
                fmed,
                "≤ 0.25 s and ≤ 3× floor",
                med <= 0.25 and med <= 3 * fmed,
            )
        )
        self.rows.append(Row(f"provision one tenant, p95 of {runs}", p95(ours), p95(floor)))
        print(f"provisioning: median {fmt_seconds(med)} (floor {fmt_seconds(fmed)})", flush=True)

    # fill up to the no-op size ------------------------------------------------------------------

    async def fill(self, engine: Any, pool: asyncpg.Pool) -> None:
        """Tenants for the migrate-all runs (2 × N) and up to the no-op size, plus floor schemas.

        The 2 × N tenants that get migrated are made by ``create_tenant`` itself (the real
        path), ``concurrency`` at a time. The rest only have to exist for the no-op run: with
        ``--bulk-fill`` (the default) they get the same DDL and registry row in batches.
        """
        from casushub.platform.registry import count_tenants

        n = self.args.tenants
        self.group1 = [f"one{i:04d}" for i in range(n)]
        self.group4 = [f"four{i:04d}" for i in range(n)]
        async with engine.connect() as conn:
            existing = await count_tenants(conn)
        rest = [f"rest{i:04d}" for i in range(max(0, self.args.noop_tenants - existing - 2 * n))]
        real = self.group1 + self.group4 + ([] if self.args.bulk_fill else rest)
        start = time.perf_counter()
        gate = asyncio.Semaphore(self.args.concurrency)

        async def one(slug: str) -> None:
            async with gate:
                await self._provision(engine, slug)

        await asyncio.gather(*(one(s) for s in real))
        if self.args.bulk_fill:
            await self._bulk(pool, rest)
        self.floor1 = [f"fone{i:04d}" for i in range(n)]
        self.floor4 = [f"ffour{i:04d}" for i in range(n)]
        for name in self.floor1 + self.floor4:
            await self._provision_floor(pool, name)
        bulk = len(rest) if self.args.bulk_fill else 0
        print(
            f"created {len(real)} tenants through create_tenant and {bulk} in bulk "
            f"in {time.perf_counter() - start:.1f} s, and {2 * n} floor schemas",
            flush=True,
        )

    async def _bulk(self, pool: asyncpg.Pool, slugs: Sequence[str]) -> None:
        """Registered, migrated tenants with the same DDL, in batches (benchdb.bulk_tenants)."""
        async with pool.acquire() as conn:
            hub_id = await conn.fetchval("SELECT id FROM platform.hubs WHERE slug = 'benchhub'")
            await benchdb.bulk_tenants(
                conn,
                self.settings,
                self.full_ddl,
                self.head,
                hub_id,
                [(slug, self.code()) for slug in slugs],
            )

    # 3. no-op migrate ---------------------------------------------------------------------------

    async def noop(self, engine: Any) -> None:
        from casushub.platform.migrate.runs import migrate_tenants
        from casushub.platform.registry import count_tenants

        async with engine.connect() as conn:
            total = await count_tenants(conn)
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            report = await migrate_tenants(engine, concurrency=self.args.concurrency)
            samples.append(time.perf_counter() - start)
            if not report.ok or report.migrated:
                raise RuntimeError(f"no-op run did work or failed: {report}")
        med = statistics.median(samples)
        self.rows.append(
            Row(f"no-op migrate over {total} tenants (median of 5)", med, None, "≤ 1 s", med <= 1)
        )
        cli = self.cli_noop()
        if cli is not None:
            self.rows.append(Row(f"`casushub tenants migrate --all`, {total} at head", cli))
        print(f"no-op migrate over {total} tenants: {fmt_seconds(med)}", flush=True)

    def cli_noop(self) -> float | None:
        """Wall time of the command a deploy runs, process start and imports included."""
        env = {
            **os.environ,
            "DATABASE_URL": self.settings.database_url,
            "APP_DATABASE_URL": self.settings.app_database_url,
            "DB_ROLE_PREFIX": self.prefix,
            "CASUSHUB_MIGRATIONS": str(self.migrations),
            "CASUSHUB_ENV": "test",
        }
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "casushub", "tenants", "migrate", "--all"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stdout.decode(), done.stderr.decode(), file=sys.stderr)
            return None
        return elapsed

    # 2. migrate-all -----------------------------------------------------------------------------

    async def migrate_all(self, engine: Any, pool: asyncpg.Pool) -> None:
        from casushub.platform.migrate import revisions, runs

        versions = self.migrations / "tenant" / "versions"
        (versions / f"9999_{EXTRA_REVISION}.py").write_text(
            EXTRA_REVISION_TEXT.format(revision=EXTRA_REVISION, down=self.head)
        )
        revisions.script_directory.cache_clear()
        assert revisions.tenant_head() == EXTRA_REVISION  # noqa: S101 - the run is meaningless otherwise
        ddl = offline_sql(self.migrations, f"{self.head}:{EXTRA_REVISION}")
        n = self.args.tenants
        for concurrency, group, floor_group in (
            (1, self.group1, self.floor1),
            (self.args.concurrency, self.group4, self.floor4),
        ):
            # Fill the engine's pool first, as the floor's pool is already open.
            async def touch() -> None:
                async with engine.connect() as conn:
                    await conn.exec_driver_sql("SELECT 1")
                    await asyncio.sleep(0.01)

            await asyncio.gather(*(touch() for _ in range(concurrency + 1)))

            async def ours(concurrency: int = concurrency, group: list[str] = group) -> None:
                report = await runs.migrate_tenants(engine, slugs=group, concurrency=concurrency)
                if not report.ok or len(report.migrated) != len(group):
                    raise RuntimeError(f"migrate run incomplete: {report}")

            figure = await _profiled(f"migrate, concurrency {concurrency}", self.args.profile, ours)
            floor = await _timed(
                functools.partial(_floor_migrate, pool, floor_group, ddl, concurrency)
            )
            self.rows.append(
                Row(
                    f"migrate {n} tenants by one revision, concurrency {concurrency}",
                    figure,
                    floor,
                    "≤ 2× floor",
                    figure <= 2 * floor,
                )
            )
            print(
                f"migrate {n} tenants, concurrency {concurrency}: {fmt_seconds(figure)} "
                f"(floor {fmt_seconds(floor)})",
                flush=True,
            )


# --- Entry point -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=200, help="N for migrate-all (200)")
    parser.add_argument(
        "--noop-tenants", type=int, default=1000, help="tenants for the no-op migrate (1000)"
    )
    parser.add_argument("--provision-runs", type=int, default=20, help="provisioning runs (20)")
    parser.add_argument("--concurrency", type=int, default=4, help="the parallel run's level (4)")
    parser.add_argument(
        "--bulk-fill",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="tenants needed only for the no-op run: same DDL in batches (default) or "
        "--no-bulk-fill: one by one through create_tenant",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile casushub's side of each measurement with pyinstrument (stderr)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casushub-bench-") as tmp:
        # A private copy of the revisions, so the extra benchmark revision never touches the tree.
        migrations = Path(tmp) / "migrations"
        shutil.copytree(
            ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__")
        )
        os.environ["CASUSHUB_MIGRATIONS"] = str(migrations)
        from casushub.platform.migrate import revisions

        revisions.MIGRATIONS_DIR = migrations
        revisions.script_directory.cache_clear()

        with benchdb.server() as srv:
            load_before = os.getloadavg()[0]
            version = asyncio.run(benchdb.pg_version(srv.url))
            rows = asyncio.run(Bench(args, srv.url, migrations).run())
            where = srv.where
    print(f"\nload average (1 min): {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} now")
    print(text_table(rows))
    if not args.no_readme:
        load = f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        text = section(rows, args, where, version, load)
        benchdb.write_section("tenancy", text.replace(SECTION_START, "").replace(SECTION_END, ""))
        print(f"\nwritten to {README.relative_to(ROOT)}")
    # A missed target is a result, not a crash: `make bench` goes on with the other benchmarks.
    missed = any(r.passed is False for r in rows)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
