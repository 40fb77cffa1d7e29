"""Data generator: a hub with N municipalities and a realistic spread of work.

Most municipalities have tens of casussen (log-normal around 25); a few large ones have up to
``--large`` (10,000 by default: the largest has that many, the next half, a quarter, ...).
Each casus comes with its person, the signal and the finalised weging "opname" it came from,
three participants (gemeente, politie, OM), a plan (mostly adopted), agenda items on the
hub's meetings and access-log entries; besides them each municipality has signals still to be
weighed and signals weighed "geen actie". Some closed casussen and "geen actie" signals are
past their retention date (``destroy_on``), for the nightly sweep.

Tenants are provisioned through the real ``registry.create_tenant`` (schema, role, every
migration); the tenant rows are bulk-loaded with COPY as the owner, the way a restore would (the
access log's append-only trigger guards UPDATE and DELETE, not INSERT). The access log is
chained with the application's own ``entry_hash`` (``benchdb.chain``), so ``casushub audit
verify`` accepts it.
One municipality's rows are made in ``bench/datagen_rows.py``.

Used by ``bench/web.py`` and ``bench/sweep.py``; on its own it fills a fresh database, prints
what it made and how long that took, and drops it again::

    .venv/bin/python bench/datagen.py --tenants 50 --large 1000
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import asyncpg
import benchdb

from bench.datagen_rows import COLUMNS, ORDER, random_uuid, tenant_rows
from casushub.platform import klok

if TYPE_CHECKING:
    from casushub.platform.settings import Settings
    from casushub.platform.tenancy import TenantRef

__all__ = ["Dataset", "TenantData", "generate", "sizes"]

TENANTS_PER_OVERLEG = 40
MEETINGS_PER_OVERLEG = 24  # two years of monthly meetings, the last three still to come


@dataclass
class TenantData:
    ref: TenantRef
    casussen: list[uuid.UUID] = field(default_factory=list)
    expired: int = 0


@dataclass
class Dataset:
    settings: Settings
    hub_id: uuid.UUID
    tenants: list[TenantData]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        sizes = sorted((len(t.casussen) for t in self.tenants), reverse=True)
        median = sizes[len(sizes) // 2] if sizes else 0
        made = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        took = ", ".join(f"{what} {s:.1f} s" for what, s in self.seconds.items())
        return (
            f"{len(self.tenants)} tenants (casussen per tenant: median {median}, "
            f"largest {', '.join(str(s) for s in sizes[:4])}); {made}; {took}"
        )


def sizes(tenants: int, large: int, rng: random.Random) -> list[int]:
    """Casussen per municipality: a log-normal body and a few large ones (one per 250)."""
    few = max(1, round(tenants / 250)) if tenants >= 10 else 0
    body = [
        min(200, max(3, round(rng.lognormvariate(math.log(25), 0.6)))) for _ in range(tenants - few)
    ]
    big = [max(3, large >> i) for i in range(few)]
    result = big + body
    rng.shuffle(result)
    return result


async def _platform(
    conn: asyncpg.Connection, hub_id: uuid.UUID, tenants: Sequence[TenantData], rng: random.Random
) -> dict[uuid.UUID, list[tuple[uuid.UUID, datetime]]]:
    """Regional casusoverleggen with their meetings; returns each tenant's meetings."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    meetings: dict[uuid.UUID, list[tuple[uuid.UUID, datetime]]] = {}
    for first in range(0, len(tenants), TENANTS_PER_OVERLEG):
        group = tenants[first : first + TENANTS_PER_OVERLEG]
        overleg = random_uuid(rng)
        await conn.execute(
            "INSERT INTO platform.casusoverleggen (id, hub_id, naam) VALUES ($1, $2, $3)",
            overleg,
            hub_id,
            f"Casusoverleg regio {first // TENANTS_PER_OVERLEG + 1}",
        )
        await conn.executemany(
            "INSERT INTO platform.casusoverleg_gemeenten (casusoverleg_id, tenant_id) "
            "VALUES ($1, $2)",
            [(overleg, t.ref.id) for t in group],
        )
        rows = []
        for month in range(MEETINGS_PER_OVERLEG):
            begin = now + timedelta(days=30 * (month - MEETINGS_PER_OVERLEG + 3))
            rows.append(
                (random_uuid(rng), overleg, begin, begin + timedelta(hours=2), "Stadhuis", "")
            )
        await conn.executemany(
            "INSERT INTO platform.bijeenkomsten (id, casusoverleg_id, begint_op, eindigt_op, "
            "locatie, videolink) VALUES ($1, $2, $3, $4, $5, $6)",
            rows,
        )
        for t in group:
            meetings[t.ref.id] = [(r[0], r[2]) for r in rows]
    return meetings


async def _durability(db: benchdb.BenchDatabase, *, on: bool) -> None:
    """``fsync`` off while loading (like a restore into a fresh server), on again after.

    Only for a private embedded server: every measurement runs with durability back on.
    """
    if db.where != "embedded":
        return
    from casushub.platform.devdb import with_database

    conn = await asyncpg.connect(benchdb.libpq(with_database(db.server_url, "postgres")))
    try:
        if on:
            await conn.execute("CHECKPOINT")
            await conn.execute("ALTER SYSTEM RESET fsync")
            await conn.execute("ALTER SYSTEM RESET synchronous_commit")
        else:
            await conn.execute("ALTER SYSTEM SET fsync = off")
            await conn.execute("ALTER SYSTEM SET synchronous_commit = off")
        await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


async def generate(
    db: benchdb.BenchDatabase,
    settings: Settings,
    *,
    tenants: int,
    large: int,
    seed: int = 11,
    concurrency: int = 4,
    real: int = 10,
    fast_load: bool = True,
) -> Dataset:
    """Fill ``db`` (fresh, platform not yet migrated) with a hub and ``tenants`` municipalities.

    The first ``real`` tenants are provisioned through ``registry.create_tenant``, the rest
    with the same DDL in batches (``benchdb.bulk_tenants``): the same schemas, in a third of
    the time.
    """
    from casushub.platform.database import create_admin_engine
    from casushub.platform.migrate import revisions as migrations
    from casushub.platform.migrate.runs import migrate_platform
    from casushub.platform.registry import create_hub, create_tenant
    from casushub.platform.tenancy import TenantRef

    rng = random.Random(seed)
    began = time.perf_counter()
    if fast_load:
        await _durability(db, on=False)
    admin = create_admin_engine(settings, pool_size=concurrency)
    slugs = [(f"g{i:04d}", f"{i + 1:04d}") for i in range(tenants)]
    try:
        await migrate_platform(admin, settings)
        await create_hub(admin, slug="benchhub", name="Bench-ZVH")
        gate = asyncio.Semaphore(concurrency)

        async def provision(slug: str, code: str) -> None:
            async with gate:
                await create_tenant(
                    admin,
                    settings,
                    slug=slug,
                    name=f"Gemeente {slug}",
                    gemeentecode=code,
                    hub_slug="benchhub",
                )

        await asyncio.gather(*(provision(*s) for s in slugs[:real]))
    finally:
        await admin.dispose()
    conn = await asyncpg.connect(benchdb.libpq(db.url))
    try:
        hub_id = await conn.fetchval("SELECT id FROM platform.hubs WHERE slug = 'benchhub'")
        if tenants > real:
            ddl = benchdb.offline_sql(migrations.MIGRATIONS_DIR, "head")
            await benchdb.bulk_tenants(
                conn, settings, ddl, migrations.tenant_head(), hub_id, slugs[real:]
            )
        ids = dict(await conn.fetch("SELECT slug, id FROM platform.tenants"))
    finally:
        await conn.close()
    data = [TenantData(TenantRef(ids[slug], slug)) for slug, _code in slugs]
    provisioned = time.perf_counter()
    ds = Dataset(settings, hub_id, data)
    ds.seconds["provisioning"] = provisioned - began

    counts: dict[str, int] = {}
    conn = await asyncpg.connect(benchdb.libpq(db.url))
    try:
        meetings = await _platform(conn, ds.hub_id, data, rng)
        orgs = [random_uuid(rng) for _ in range(3)]
        users = [random_uuid(rng) for _ in range(8)]
        today = klok.vandaag()
        for tenant, n in zip(data, sizes(tenants, large, rng), strict=True):
            rows, log = tenant_rows(
                tenant,
                f"{int(tenant.ref.slug[1:]) + 1:04d}",
                n,
                meetings[tenant.ref.id],
                orgs,
                users,
                rng,
                today,
            )
            async with conn.transaction():
                for table in ORDER:
                    records = rows.tables.get(table, [])
                    if records:
                        await conn.copy_records_to_table(
                            table,
                            records=records,
                            columns=COLUMNS[table],
                            schema_name=tenant.ref.schema,
                        )
                    counts[table] = counts.get(table, 0) + len(records)
                await conn.copy_records_to_table(
                    "verwerking",
                    records=log,
                    columns=benchdb.LOG_COLUMNS,
                    schema_name=tenant.ref.schema,
                )
            counts["verwerking"] = counts.get("verwerking", 0) + len(log)
        ds.seconds["data"] = time.perf_counter() - provisioned
        # Fresh statistics on the loaded tables, as autovacuum would have them on a living
        # system (a database-wide ANALYZE would also visit every empty table of every schema).
        loaded = time.perf_counter()
        for tenant in data:
            tables = ", ".join(f'"{tenant.ref.schema}".{t}' for t in (*ORDER, "verwerking"))
            await conn.execute(f"ANALYZE {tables}")
        ds.seconds["analyze"] = time.perf_counter() - loaded
    finally:
        await conn.close()
        if fast_load:
            await _durability(db, on=True)
    ds.counts = {"casussen": counts.get("casus", 0), **counts}
    del ds.counts["casus"]
    ds.counts["verlopen (sweep)"] = sum(t.expired for t in data)
    return ds


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000, help="municipalities (1000)")
    parser.add_argument(
        "--large", type=int, default=10_000, help="casussen of the largest municipality (10,000)"
    )
    return parser.parse_args(argv)


async def _main(args: argparse.Namespace, server_url: str, where: str) -> Dataset:
    db = benchdb.BenchDatabase(server_url, "gen", where)
    await db.create()
    try:
        return await generate(db, db.settings(), tenants=args.tenants, large=args.large)
    finally:
        await db.drop()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with benchdb.server() as srv:
        ds = asyncio.run(_main(args, srv.url, srv.where))
    print(ds.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
