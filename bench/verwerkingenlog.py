"""Access-log benchmark: the FG's two questions on a tenant with a million entries.

Run with ``make bench`` (or ``.venv/bin/python bench/verwerkingenlog.py --help``). Starts its own
embedded PostgreSQL in a temporary directory unless ``DATABASE_URL`` is set, creates a fresh
database, role prefix and tenant, bulk-loads N correctly hash-chained entries with asyncpg's
COPY (as the owner, the way a restore would: the append-only trigger guards UPDATE and DELETE,
not INSERT), and then, as the tenant's own role:

- runs ``EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)`` on exactly the statements the services send
  (``fg.viewers_of_casus_query``, ``fg.seen_by_user_query``) for sampled casussen and users
  over a twelve-month period, and for the busiest casus and user over the whole log;
- times the service calls end to end (ORM, the FG's own log entry, commit);
- times ``casushub audit verify``'s chain check over the whole log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import benchdb
from benchdb import LOG_COLUMNS as COLUMNS
from benchdb import README, ROOT, LogEntry, chain

SECTION_START = "<!-- bench:verwerkingenlog:start -->"
SECTION_END = "<!-- bench:verwerkingenlog:end -->"
TARGET_MS = 1000.0
GROEPEN = ("casus", "persoon", "plan", "signaal", "weging", "agendapunt", "item")
ACTIES = ("read",) * 8 + ("update", "create", "export", "search")
ROLLEN = ("gemeente_regie", "procesregisseur", "deelnemer", "derde")


@dataclass
class Figure:
    what: str
    samples: list[float]  # milliseconds
    target: bool = True

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def worst(self) -> float:
        return max(self.samples)

    @property
    def passed(self) -> bool | None:
        return self.worst < TARGET_MS if self.target else None


def generate(
    count: int, casussen: int, users: int, seed: int = 8
) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """``count`` chained rows spread over three years; returns the rows and the id pools."""
    rng = random.Random(seed)
    casus_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(casussen)]
    persoon_of = {c: uuid.UUID(int=rng.getrandbits(128), version=4) for c in casus_ids}
    organisations = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(12)]
    user_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(users)]
    org_of = {u: organisations[i % len(organisations)] for i, u in enumerate(user_ids)}
    rol_of = {u: ROLLEN[i % len(ROLLEN)] for i, u in enumerate(user_ids)}
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    step = timedelta(days=3 * 365) / count
    # Zipf-like skew: a few casussen and users are much busier than the rest (exponent 0.6
    # gives the busiest casus about 1.5 % of all entries, 0.8 the busiest user about 9 %).
    casus_draw = rng.choices(casus_ids, weights=_zipf(casussen, 0.6), k=count)
    user_draw = rng.choices(user_ids, weights=_zipf(users, 0.8), k=count)
    entries = (
        LogEntry(
            tijdstip=start + step * number,
            user_id=user_draw[number - 1],
            organisation_id=org_of[user_draw[number - 1]],
            rol=rol_of[user_draw[number - 1]],
            casus_id=casus_draw[number - 1],
            persoon_id=persoon_of[casus_draw[number - 1]],
            gegevensgroep=GROEPEN[number % len(GROEPEN)],
            actie=ACTIES[number % len(ACTIES)],
            doel="uitvoering casusoverleg",
            request_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
        )
        for number in range(1, count + 1)
    )
    return chain(entries), {"casus_ids": casus_ids, "user_ids": user_ids}


def _zipf(n: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


class Bench:
    def __init__(self, args: argparse.Namespace, server_url: str) -> None:
        self.load_start = os.getloadavg()[0]
        self.args = args
        self.server_url = server_url
        self.db = benchdb.BenchDatabase(server_url, "log")
        self.figures: list[Figure] = []
        self.notes: dict[str, str] = {}

    async def run(self) -> list[Figure]:
        await self.db.create()
        try:
            await self._run(self.db.url)
        finally:
            await self.db.drop()
        return self.figures

    async def _run(self, db_url: str) -> None:
        from casushub.platform.database import create_admin_engine, create_app_engine
        from casushub.platform.migrate.runs import migrate_platform
        from casushub.platform.registry import create_hub, create_tenant

        settings = self.db.settings()
        admin = create_admin_engine(settings)
        app = create_app_engine(settings)
        try:
            await migrate_platform(admin, settings)
            await create_hub(admin, slug="benchhub", name="Bench-ZVH")
            tenant = await create_tenant(
                admin, settings, slug="benchlog", name="Gemeente Bench", gemeentecode="9999"
            )
            pools = await self.load(db_url, tenant.schema)
            await self.explain(db_url, tenant.schema, settings.tenant_role(tenant.slug), pools)
            await self.services(app, settings, tenant, pools)
            await self.verify(app, settings, tenant)
        finally:
            await app.dispose()
            await admin.dispose()

    async def load(self, db_url: str, schema: str) -> dict[str, Any]:
        began = time.perf_counter()
        rows, pools = generate(self.args.entries, self.args.casussen, self.args.users)
        generated = time.perf_counter() - began
        conn = await asyncpg.connect(benchdb.libpq(db_url))
        try:
            began = time.perf_counter()
            for offset in range(0, len(rows), 100_000):
                await conn.copy_records_to_table(
                    "verwerking",
                    records=rows[offset : offset + 100_000],
                    columns=COLUMNS,
                    schema_name=schema,
                )
            # VACUUM sets the visibility map (autovacuum would), which index-only scans need.
            await conn.execute(f'VACUUM ANALYZE "{schema}".verwerking')
            copied = time.perf_counter() - began
            size = await conn.fetchval(
                f"SELECT pg_size_pretty(pg_total_relation_size('\"{schema}\".verwerking'))"
            )
            # The busiest casus and user: the worst case for each question.
            pools["busiest_casus"], pools["busiest_casus_n"] = await conn.fetchrow(
                f'SELECT casus_id, count(*) FROM "{schema}".verwerking '
                "GROUP BY casus_id ORDER BY 2 DESC LIMIT 1"
            )
            pools["busiest_user"], pools["busiest_user_n"] = await conn.fetchrow(
                f'SELECT user_id, count(*) FROM "{schema}".verwerking '
                "GROUP BY user_id ORDER BY 2 DESC LIMIT 1"
            )
        finally:
            await conn.close()
        self.notes["load"] = (
            f"{len(rows):,} entries generated and hashed in {generated:.1f} s, "
            f"COPY + VACUUM ANALYZE {copied:.1f} s; table with indexes {size}"
        )
        print(self.notes["load"], flush=True)
        return pools

    async def explain(self, db_url: str, schema: str, role: str, pools: dict[str, Any]) -> None:
        from sqlalchemy.dialects import postgresql

        from casushub.tenants.verwerkingenlog.fg import seen_by_user_query, viewers_of_casus_query

        dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy

        def sql(stmt: Any) -> str:
            return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))

        rng = random.Random(80)
        tot = datetime.now(UTC)
        van = tot - timedelta(days=365)
        cases = {
            "wie zag casus N (12 maanden, steekproef)": [
                sql(viewers_of_casus_query(c, van, tot))
                for c in rng.sample(pools["casus_ids"], self.args.samples)
            ],
            "wat zag gebruiker U (12 maanden, steekproef)": [
                sql(seen_by_user_query(u, van, tot))
                for u in rng.sample(
                    pools["user_ids"], min(self.args.samples, len(pools["user_ids"]))
                )
            ],
            f"wie zag de drukste casus ({pools['busiest_casus_n']:,} regels, hele log)": [
                sql(viewers_of_casus_query(pools["busiest_casus"]))
            ]
            * 5,
            f"wat zag de drukste gebruiker ({pools['busiest_user_n']:,} regels, hele log)": [
                sql(seen_by_user_query(pools["busiest_user"]))
            ]
            * 5,
        }
        conn = await asyncpg.connect(benchdb.libpq(db_url))
        try:
            for what, statements in cases.items():
                samples = []
                plan_nodes: set[str] = set()
                for statement in statements:
                    async with conn.transaction():
                        await conn.execute(f'SET LOCAL ROLE "{role}"')
                        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
                        raw = await conn.fetchval(
                            "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + statement
                        )
                    plan = json.loads(raw)[0]
                    samples.append(plan["Planning Time"] + plan["Execution Time"])
                    plan_nodes |= _scan_nodes(plan["Plan"])
                self.figures.append(Figure(what, samples))
                self.notes[what] = ", ".join(sorted(plan_nodes))
                print(
                    f"{what}: median {statistics.median(samples):.1f} ms, "
                    f"max {max(samples):.1f} ms; {self.notes[what]}",
                    flush=True,
                )
        finally:
            await conn.close()

    async def services(self, app: Any, settings: Any, tenant: Any, pools: dict[str, Any]) -> None:
        from casushub.platform.tenancy import tenant_session
        from casushub.tenants.actor import Actor
        from casushub.tenants.verwerkingenlog.fg import seen_by_user, viewers_of_casus

        fg = Actor(user_id=uuid.uuid4(), organisation_id=uuid.uuid4(), role="fg")
        tot = datetime.now(UTC)
        van = tot - timedelta(days=365)
        rng = random.Random(81)
        for what, call in (
            (
                "service viewers_of_casus (eind tot eind, incl. logregel FG)",
                lambda s, i: viewers_of_casus(s, fg, i, van=van, tot=tot),
            ),
            (
                "service seen_by_user (eind tot eind, incl. logregel FG)",
                lambda s, i: seen_by_user(s, fg, i, van=van, tot=tot),
            ),
        ):
            ids = pools["casus_ids"] if "casus" in what else pools["user_ids"]
            samples = []
            for one in rng.sample(ids, min(self.args.samples, len(ids))):
                began = time.perf_counter()
                async with tenant_session(app, tenant, settings) as session, session.begin():
                    await call(session, one)
                samples.append((time.perf_counter() - began) * 1000)
            self.figures.append(Figure(what, samples))
            print(f"{what}: median {statistics.median(samples):.1f} ms", flush=True)

    async def verify(self, app: Any, settings: Any, tenant: Any) -> None:
        from casushub.platform.tenancy import tenant_session
        from casushub.tenants.verwerkingenlog.chain import verify_chain

        began = time.perf_counter()
        async with tenant_session(app, tenant, settings) as session, session.begin():
            report = await verify_chain(session)
        elapsed = (time.perf_counter() - began) * 1000
        assert report.ok, report  # noqa: S101 - the generated chain must verify
        what = f"audit verify, hele keten ({report.checked:,} regels)"
        self.figures.append(Figure(what, [elapsed], target=False))
        print(f"{what}: {elapsed / 1000:.1f} s", flush=True)


def _scan_nodes(plan: dict[str, Any]) -> set[str]:
    found = set()
    if "Scan" in plan["Node Type"]:
        found.add(
            f"{plan['Node Type']} {plan.get('Index Name', plan.get('Relation Name', ''))}".strip()
        )
    for child in plan.get("Plans", []):
        found |= _scan_nodes(child)
    return found


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 10_000 else f"{value:.1f} ms"


def markdown(figures: Sequence[Figure], notes: dict[str, str]) -> str:
    lines = [
        "| what | median | max | target | verdict | plan |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        verdict = {None: "info", True: "pass", False: "FAIL"}[f.passed]
        target = "< 1 s" if f.target else "—"
        lines.append(
            f"| {f.what} | {_ms(f.median)} | {_ms(f.worst)} | {target} | {verdict} | "
            f"{notes.get(f.what, '')} |"
        )
    return "\n".join(lines)


def section(
    figures: Sequence[Figure],
    notes: dict[str, str],
    args: argparse.Namespace,
    where: str,
    version: str,
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""{SECTION_START}
## Verwerkingenlog

`bench/verwerkingenlog.py`. Measured {when}; {os.cpu_count()} cores;
PostgreSQL {version} ({where}). One tenant, {args.entries:,} log entries over three years,
{args.casussen:,} casussen and {args.users} users (skewed: a few casussen and users are far
busier than the rest). {notes.get("load", "")}.

{markdown(figures, notes)}

- EXPLAIN rows: planning + execution time from `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)` (no
  per-row clock calls, which would inflate an aggregate over many rows) of the exact
  statements `fg.viewers_of_casus_query` / `fg.seen_by_user_query` send, run as the tenant's
  role; {args.samples} sampled casussen/users for the twelve-month rows, five runs for the
  busiest ones over the whole log.
- The indexes: `(casus_id, user_id, organisation_id, rol, tijdstip) INCLUDE (actie)` and
  `(user_id, casus_id, persoon_id, gegevensgroep, tijdstip) INCLUDE (actie)`: each question
  is an index-only scan of one key range that arrives in group order, so the aggregate
  streams without sorting the history first. What remains for a very busy user over the
  whole log is the aggregate's own work per entry; a period keeps it small.
- Load average during the run (1 min, at start and end): {notes.get("load_average", "?")};
  figures from a busy shared machine are upper bounds.
- Service rows: the whole call through SQLAlchemy in a tenant session, including the FG's own
  access-log entry and the commit.
{SECTION_END}
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="log entries (1,000,000)")
    parser.add_argument("--casussen", type=int, default=5_000, help="distinct casussen (5,000)")
    parser.add_argument("--users", type=int, default=300, help="distinct users (300)")
    parser.add_argument("--samples", type=int, default=20, help="sampled ids per question (20)")
    parser.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with benchdb.server("casushub-benchlog-") as srv:
        where = srv.where
        version = asyncio.run(benchdb.pg_version(srv.url))
        bench = Bench(args, srv.url)
        figures = asyncio.run(bench.run())
        bench.notes["load_average"] = f"{bench.load_start:.1f} / {os.getloadavg()[0]:.1f}"
    print()
    print(markdown(figures, bench.notes))
    if not args.no_readme:
        text = section(figures, bench.notes, args, where, version)
        benchdb.write_section(
            "verwerkingenlog", text.replace(SECTION_START, "").replace(SECTION_END, "")
        )
        print(f"\nwritten to {README.relative_to(ROOT)}")
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
