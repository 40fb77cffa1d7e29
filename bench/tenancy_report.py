"""The tenancy benchmark's report: a figure beside its floor (``Row``), the tables and its
section of ``bench/README.md``.

Part of ``bench/tenancy.py``; imported as ``bench.tenancy_report`` (``benchdb``, imported
first, puts the project root on ``sys.path``) so that mypy checks the calls typed."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from benchdb import machine

# Markers around this benchmark's section of bench/README.md; other sections are left alone.
SECTION_START = "<!-- bench:tenancy:start -->"
SECTION_END = "<!-- bench:tenancy:end -->"


@dataclass
class Row:
    what: str
    figure: float | None
    floor: float | None = None
    target: str = ""
    passed: bool | None = None
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.floor:
            return None
        return self.figure / self.floor


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _cells(row: Row) -> list[str]:
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
    verdict = {None: "info", True: "pass", False: "FAIL"}[row.passed]
    return [
        row.what,
        fmt_seconds(row.figure),
        fmt_seconds(row.floor),
        ratio,
        row.target or "—",
        verdict,
    ]


HEADERS = ["what", "figure", "floor", "ratio", "target", "result"]


def text_table(rows: Sequence[Row]) -> str:
    cells = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(HEADERS))) for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return "\n".join(lines)


# --- README ------------------------------------------------------------------------------------

INTRO = """# Benchmarks

Benchmarks are not tests: they measure, print a table and write it here. Run them all with

    make bench                       # embedded PostgreSQL in a temporary directory
    make bench BENCH_ARGS="--tenants 50 --noop-tenants 200"   # smaller, quicker
    DATABASE_URL=postgresql://... make bench                  # on a server of your own

Each figure stands beside a *floor* measured in the same run (the same work done the most
direct way), so the ratio means something on any machine.
"""

# Kept in the section on every run: what the first measurements showed and what changed.
HISTORY = """
Before and after the fix (2026-11-25, this machine; figure, floor, ratio):

- before — Alembic online per tenant, concurrency > 1 in worker processes (defaults):
  provision 54.8 ms / 12.9 ms = 4.25×; migrate 200 at concurrency 1 4.20 s / 434 ms = 9.7×,
  at concurrency 4 4.54 s / 273 ms = 16.6×; no-op over 1,000 tenants 10.2 ms.
- step 1 — each revision range rendered to SQL once and sent as one script, in-process
  concurrency (N = 50, quiet machine): provision 41.4 ms / 24.0 ms = 1.73×; migrate 218 ms /
  105 ms = 2.07× and 124 ms / 79 ms = 1.57×.
- step 2 — in a migrate run the revision check and the registry update ride in that script:
  BEGIN, script, COMMIT per tenant, like the floor. On 2026-11-26 07:30 UTC: provision
  1.17×, migrate 1.64× and 1.42×, no-op 8.7 ms; with the machine shared by test runs the
  ratios are 1.0–1.4× (concurrency 1) and 1.0–1.7× (concurrency 4).
- session 5 (2026-11-26 12:30 UTC): re-measured because the admin engine
  now sends its statements under `casushub/platform/prepared_statements.py`; a migrate run's
  scripts do not pass through it (they go to asyncpg as one script per tenant). Migrate at
  concurrency 4 gave 2.10× (494 / 235 ms). A second run at 12:36 UTC (`--no-readme`) gave
  provision 144 / 120 ms = 1.21×, migrate 877 / 503 ms = 1.74× and 485 / 290 ms = 1.67×,
  no-op 8.7 ms: the floor's time alone moved by a fifth between the two runs.
- session 6 (2026-11-26; tenant revision t0008 adds three indexes on `casus`, in the floor's
  DDL too): at 14:18 UTC migrate 969 / 406 ms = 2.39× at concurrency 1 (354 / 292 ms = 1.21×
  at 4), at 14:22 UTC 755 / 476 ms = 1.59× (1.39×). pyinstrument put a fifth of the app's
  time per tenant in building and compiling the registry row's update; it is now compiled
  once per revision with a placeholder for the tenant id. After: 1.45× and 1.36× (14:28 UTC),
  the table above (14:33 UTC) 1.27× and 1.08×; provisioning 1.25×, no-op 6.2 ms.

Where the time went (pyinstrument): per tenant Alembic built an `EnvironmentContext` and a
`MigrationContext`, looked up the version table, compiled every operation again and sent each
statement on its own (≈ 25 ms a tenant against ≈ 2 ms for the DDL), and a parallel run paid
for spawning worker processes (≈ 2.5 s), needed because Alembic's `op` proxy is
process-global. The runner (`casushub/platform/migrate/`) now renders each revision range
once with Alembic's offline mode and replays it per tenant.
"""


def section(
    rows: Sequence[Row], args: argparse.Namespace, server: str, pg_version: str, load: str
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""{SECTION_START}
## Tenancy

`bench/tenancy.py`. Measured {when} on {machine()};
PostgreSQL {pg_version} ({server}); {args.tenants} tenants per migrate-all run,
{args.provision_runs} provisioning runs; load average (1 min) {load}. Other work on the
machine slows figure and floor alike: compare ratios, not absolute times, across runs.
Run it alone with `.venv/bin/python bench/tenancy.py` (`--help`: `--tenants`,
`--noop-tenants`, `--profile` for a pyinstrument breakdown, `--strict` to exit 1 on a miss).

{markdown_table(rows)}

- *provision*: `registry.create_tenant` — registry row, role, schema, default privileges and
  every tenant migration in one transaction. Floor: the same role/schema/grant statements plus
  the tenant DDL from Alembic's `--sql` mode, as one string over asyncpg in one transaction.
- *migrate*: `migrate.runs.migrate_tenants` over N tenants behind by one revision (a column and an
  index on `persoon`), one transaction per tenant. Floor: that revision's `--sql` DDL over an
  asyncpg pool, one transaction per schema, same concurrency.
- *no-op migrate*: every tenant at head; the revisions come from the registry, no schema is
  opened. Tenants beyond the 2 × N migrated ones are created with the floor's DDL and a
  registry row in batches (`--no-bulk-fill`: through `create_tenant`). The CLI row is the
  whole `casushub tenants migrate --all` process (start-up and imports included).
- For scale: django-tenants on this kind of machine needs about 0.7 s to create a
  tenant, about 150 ms per tenant for one small migration and over 100 ms per tenant when
  nothing is to be applied.
{HISTORY}{SECTION_END}
"""
