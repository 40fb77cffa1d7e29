"""The web benchmark's report: its targets, the table of figures against the floor and its
section of ``bench/README.md``.

Part of ``bench/web.py``; imported as ``bench.<module>`` (``benchdb``, imported first, puts the
project root on ``sys.path``) so that mypy checks the calls between the parts typed."""

from __future__ import annotations

from collections.abc import Sequence

import benchdb

from bench.web_run import AB_ROUNDS, SINGLE_CLIENT_REQUESTS, Bench
from bench.web_servers import Server

# Targets are ratios to the floor measured in the same run: this kind of machine has 2 cores,
# shared by the server, PostgreSQL and the load generator, so absolute figures say little.
TARGET_SHARE = 0.5  # throughput at least half the floor's
TARGET_ONE_CLIENT = 2.0  # one client at a time: p50 at most twice the floor's
TARGET_LOG_EXTRA = 0.10  # access logging: at most 10 % on the p50
TARGET_RSS_MB = 300.0
PAGES = {
    "list": "casus list `/casusoverleg`",
    "casus": "casus page",
    "json": "50 newest casussen as JSON",
}


def _ms(v: float) -> str:
    return f"{v:.1f} ms"


def table(servers: Sequence[Server], clients: int, clients_high: int) -> tuple[str, bool]:
    app, nolog, floor = servers
    lines = [
        "| what | figure | floor | ratio | target | result |",
        "|---|---|---|---|---|---|",
    ]
    ok = True

    def row(what: str, fig: str, flo: str, ratio: str, target: str, passed: bool | None) -> None:
        nonlocal ok
        ok = ok and passed is not False
        verdict = {None: "info", True: "pass", False: "FAIL"}[passed]
        lines.append(f"| {what} | {fig} | {flo} | {ratio} | {target} | {verdict} |")

    def ratio(a: float, f: float) -> str:
        return f"{a / f:.2f}×" if f else "—"

    for page, label in PAGES.items():
        runs = [(page, clients)]
        if page == "list":
            runs.append(("list-high", clients_high))
        for run, n in runs:
            a, f = app.loads[run], floor.loads[run]
            share = a.rps / f.rps if f.rps else 0.0
            checked = page != "json"
            row(
                f"{label} throughput, {n} clients",
                f"{a.rps:.0f} req/s",
                f"{f.rps:.0f} req/s",
                f"{share:.0%}",
                f"≥ {TARGET_SHARE:.0%} of floor" if checked else "—",
                share >= TARGET_SHARE if checked else None,
            )
            for q in (0.5, 0.95):
                row(
                    f"{label} p{round(q * 100)}, {n} clients",
                    _ms(a.p(q)),
                    _ms(f.p(q)),
                    ratio(a.p(q), f.p(q)),
                    "—",
                    None,
                )
        one, one_floor = app.loads[f"{page}-1"], floor.loads[f"{page}-1"]
        for q in (0.5, 0.95):
            checked = page != "json" and q == 0.5
            row(
                f"{label} p{round(q * 100)}, one client at a time",
                _ms(one.p(q)),
                _ms(one_floor.p(q)),
                ratio(one.p(q), one_floor.p(q)),
                f"≤ {TARGET_ONE_CLIENT:.0f}× floor" if checked else "—",
                one.p(q) <= TARGET_ONE_CLIENT * one_floor.p(q) if checked else None,
            )
        if page in app.alternated:
            for q in (0.5, 0.95):
                on, off = app.median_p(page, q), nolog.median_p(page, q)
                extra = on / off - 1 if off else 0.0
                checked = q == 0.5
                row(
                    f"{label}: verwerkingenlog aan vs uit, p{round(q * 100)} "
                    f"(median of {AB_ROUNDS} alternated runs)",
                    _ms(on),
                    _ms(off) + " (uit)",
                    f"{extra:+.0%}",
                    f"≤ {TARGET_LOG_EXTRA:.0%} extra" if checked else "—",
                    extra <= TARGET_LOG_EXTRA if checked else None,
                )
    rss = app.rss_mb
    first = next(v for k, v in rss if "round 1" in k)
    second = next(v for k, v in rss if "round 2" in k)
    for what, value in rss:
        passed = None
        if "round" in what:
            passed = value <= TARGET_RSS_MB
        if "round 2" in what:
            passed = value <= TARGET_RSS_MB and value - first <= 0.05 * first
        row(
            f"app RSS {what}",
            f"{value:.0f} MB",
            "—",
            "—",
            "≤ 300 MB, round 2 ≈ round 1" if passed is not None else "—",
            passed,
        )
    floor_rss = ", ".join(f"{v:.0f} MB {k}" for k, v in floor.rss_mb)
    lines.append("")
    lines.append(
        f"Floor RSS: {floor_rss}. Second touch round grew the app by {second - first:+.0f} MB."
    )
    return "\n".join(lines), ok


# Kept in the section on every run: what the first measurements showed and what changed.
HISTORY = """
Before and after (2026-11-26, this machine):

- session 2, before: the casus list logged each row it showed with its own `record` call
  (advisory lock, read of the chain's end, INSERT) and loaded each row's person and plan with
  two more queries. 20 tenants, 50 clients: list 1 req/s, p50 32.8 s (floor 49 req/s).
  Batched into one `record_many` per request: 100 tenants on a quiet machine, list 15 req/s,
  p95 4.9 s, floor 169 req/s; the list still rendered and logged every open casus (10,000 in
  the largest municipality, a 10,000-row page and 10,000 log entries per visit).
- session 3, in this order (20 tenants, 50 clients, 15 s runs, quiet machine unless noted):
  1. the dashboard pages its four lists (`casus.overzicht`: counted in one query, 25 rows a
     list, only the rows shown read and logged; the floor pages the same way): list 38 req/s
     against a floor of 230 (machine shared with test runs, load 3.5);
  2. an unchanged server-side session is no longer written back (it was an upsert and a
     Set-Cookie per page view); the tenant gate reads the registry row once; the user's name
     comes with the session check; the casus table written out instead of the generic table
     macro (a third of the rendering): list 58 / floor 365 req/s, casus page 95 / 885;
  3. no `pool_pre_ping` (with asyncpg three round trips per connection checkout, five or
     six checkouts per request): casus page 114 / 858;
  4. access-log entries inserted with one `unnest` statement (one statement text for any
     number of entries instead of a new multi-row VALUES statement per list length) and
     without ORM objects; the house style read on the identity's connection; meetings and
     hand-overs on one connection: list 54–61 / 314–350 req/s (17 %), casus page 103–115 /
     861–901 (12–13 %) over three runs;
  5. every statement on the request's path built once, with bound parameters, instead of
     per request (cProfile had shown SQLAlchemy spending 36 % of the casus page's CPU, much
     of it on about 200 coercions and 13 cache keys per request to build statements it had
     already compiled): list 84–91 / 337–355 req/s (24–27 %), casus page 147–161 / 891–940
     (16–18 %) over five runs. In-process, one request at a time: casus page 7.8–8.6 ms,
     list 13.5–16 ms.
- Tried and not kept (no gain measured, or a loss): reads without a transaction through an
  autocommit view of the pool (casus page 148 req/s with, 159 without: setting and resetting
  the isolation level per checkout costs more than the BEGIN and COMMIT it saves); loading
  the casus and person with a prebuilt select instead of `session.get`, and the list's rows
  as columns instead of ORM objects (both within the noise of ±0.5 ms per request).
- At 1,000 tenants (the table above) the app stays below its 20-tenant figures (list 63
  against 84–91 req/s): each tenant's SQL names its own schema (`schema_translate_map`), so
  the prepared-statement caches (asyncpg's per connection, PostgreSQL's plans) miss across
  tenants, where the floor sends one text for all under `search_path`. The schema map stays:
  it is the isolation defence of docs/design.md. The 1,000-tenant run after steps 1–4 (06:07 UTC)
  gave list 52 / 271 req/s and casus page 104 / 537; after step 5 the table above.
- Where the rest goes: SQLAlchemy's execution through its greenlet bridge (134 µs for
  `SELECT 1` on a held connection against 47 µs on bare asyncpg, 357 µs with checkout, BEGIN
  and ROLLBACK), Litestar's middleware and dependency injection, and the round trips: the
  casus page makes 14 statements in 4 connection checkouts (session, identity with house
  style, tenant gate, tenant transaction) where the floor makes 8 on one. Reaching half the
  floor would take bypassing SQLAlchemy for the platform reads, which this issue did not do.
- The access log's cost is mostly the database's: a tenant transaction that logs one entry
  takes 2.3 ms against 0.8 ms for the same transaction without (lock, read of the chain's
  end, INSERT, and the commit's WAL flush that a read-only transaction skips); 100 entries
  take 5.1 ms (about 20 µs an entry: hashing 5.5 µs, the rest the two covering indexes the
  FG's questions need). The dashboard logs up to 100 rows per view (four lists of
  25), so logging stays well above 10 % of a request that is itself 15–20 ms.
- With 50 clients on one process every request waits for the 49 before it: p95 ≤ 50 ms
  would need over 1,000 req/s, more than the floor reaches on this machine. The rows "one
  client at a time" give the latency of one request without that queue.
- session 4 (2026-11-26; the machine's speed varied through the day: the floor's list at 20
  tenants 130–190 req/s against 337–355 in session 3, at 1,000 tenants 116 and 203 req/s in
  two runs 25 minutes apart, so compare ratios within one run):
  1. the access-log INSERT takes one JSON parameter instead of an array per column (asyncpg
     type-checked each element of 15 arrays), and each field is rendered once as the text
     it is hashed as. Client CPU of `record_many` for 25 entries in a tenant transaction:
     1.6–2.4 ms against 3.2–3.9 ms before (three runs each, same machine);
  2. the dashboard's lists select the twelve columns a row shows instead of whole `Casus`
     and `Persoon` objects (with the person's JSONB aliases): 22,076 → 16,057 Python calls
     per dashboard request (cProfile, 50 requests at 20 tenants). Session 3 had timed this
     within the noise; counting calls shows it;
  3. tried and removed: the append as one PL/pgSQL function per tenant schema (lock, chain
     end, hashing and INSERT in one round trip). Good at 20 tenants, bad at 1,000: each
     server process compiles every tenant's own copy of the function on first use. The
     1,000-tenant run gave the list 23 req/s with logging against 42 without, and the floor
     calling the same function 70 req/s;
  4. sampled with py-spy under load (20 tenants, 50 clients): the dashboard's own work is
     21 % of the app's CPU, rendering 10.5 %, middleware (session, identity, CSRF, metrics)
     17 %, the rest SQLAlchemy and asyncpg executing 26 round trips, ten of them the
     BEGIN/COMMIT/ROLLBACK of the five transactions a request opens.
  5. the table above (09:31 UTC), against session 3's: list 67 / 203 req/s (33 %, was 24 %),
     casus page 103 / 465 (22 %, unchanged). Logging is now measured with both servers up,
     loaded in turns: +42 % on the list's p50 (median of four runs each; per run the app
     gave 32–47 req/s, without logging 49–59). A single run of each, one after the other,
     had given +8 % at 09:05 UTC, while in the same run the casus page was 25 % *faster*
     with logging than without. One-after-the-other runs on this machine cannot settle a
     10 % difference; the alternated figure stands. The CPU accounting in-process (about
     2 ms of a 20 ms request to log 25 entries) does not explain +42 % under load. The
     likeliest rest, not yet measured: at 1,000 tenants the log's two tenant statements are
     new to almost every pooled connection, so each is prepared (parsed and planned) again
     on nearly every request, on top of the dashboard's own.
- session 5 (2026-11-26, from 11:00 UTC):
  1. prepared statements. SQLAlchemy's asyncpg adaptor keeps one LRU of 100 prepared
     statements per connection (the `statement_cache_size` set before configured asyncpg's
     own cache, which SQLAlchemy does not use). Counted in-process on one connection (as
     `--profile` now prints them), round trips per casus list request over 300 requests: at
     200 tenants 43.8, 7.3 of them prepares and 7.1 closes of statements the LRU had pushed
     out; at 20 tenants 32.2 (2.1 and 2.0). Now (`casushub/platform/prepared_statements.py`)
     platform SQL has its own LRU, tenant SQL is sent unnamed when first seen and prepared
     only when it comes back within 256 first sightings (into a bounded LRU of 128), and the
     tenant role is set with `set_config('role', $1, true)`, one text for every tenant: 36.7
     round trips at 200 tenants (1.4 prepares, 5.1 unnamed, 0.9 closes), 28.7 at 20 tenants
     (0.4, 0.3, none);
  2. throughput did not follow, which refutes session 4's guess above. 200 tenants
     (`--large 2000`, 15 s runs) before / after a first version of step 1 (role still set
     with `SET LOCAL ROLE`, 2,048 first sightings remembered): list 64 / 65 req/s against
     the floor's 265 / 260, casus page 132 / 146 against 750 / 594, logging +43 % / +33 %.
     The app is CPU-bound in its one process: in-process the list costs 12–20 ms of CPU per
     request (one build measured 15.4 and 19.7 ms in two runs minutes apart), the floor's
     whole request 4–5 ms. What separates them is the per-statement and per-transaction cost
     above (about 18 statements and 5 transactions per list request), Litestar's middleware
     and Jinja, not round trips;
  3. the tenant gate in one statement (the tenant's registry row, the organisation's type
     and hub, and whether the user accepted the hub's instructions), read by a lookup of the
     identity middleware on its connection and in its transaction: one checkout, one
     transaction and two statements fewer on every tenant request. Round trips per list
     request at 20 tenants: 28.7 → 24.7. Measured alongside, at 20 tenants with 50 clients:
     the app's process spends 14 ms of CPU per list request and PostgreSQL 7 ms, the floor
     2 ms and 4 ms (`/proc` CPU times over a load run). pg_stat_statements (a run against
     a PostgreSQL 15 with the extension loaded, through `DATABASE_URL`) puts the SQL itself,
     execution and planning, at about 4.5 ms per request for both: the difference is the
     app's own Python. In the same run each list request waited 76 ms on average
     for its tenant's log lock (the floor 62 ms): with 20 tenants and 50 clients the appends
     of one tenant queue, and the lock is held across four round trips (lock, chain end,
     INSERT, COMMIT), each of which waits its turn on a busy event loop;
  4. the 1,000-tenant run at 11:45 UTC, against session 4's (09:31 UTC): list 62 /
     187 req/s (33 %, unchanged), casus page 121 / 491 (25 %, was 22 %), RSS 120 → 121 MB
     after the two touch rounds. Logging, alternated as before: +20 % on the list's p50 (was
     +42 %; per run the app gave 58–72 req/s, without logging 76–91) and +27 % on the casus
     page (was +20 %).
  5. tried and removed: the append as one PL/pgSQL function for all tenants
     (`verwerkingenlog.aanvullen(schema, key, entries)`, platform migration p0008: lock,
     chain end, hashes and one INSERT through dynamic SQL in one call), so that the lock is
     held across two round trips instead of four. Per append of 25 entries, in-process at
     20 tenants, the app's CPU fell from 1.5–1.8 to 0.5–0.6 ms but PostgreSQL's rose from
     1.1–1.2 to 1.9 ms (hashing in PL/pgSQL, both dynamic statements planned on every call);
     for one entry the app 0.7–0.9 → 0.2 ms, PostgreSQL 0.3–0.4 → 0.7–0.9 ms. Under load,
     with app and database on the same two cores, that cost more than it saved. The
     1,000-tenant run (12:04 UTC) gave list 66 / 185 req/s and casus page 102 / 451 (the
     floor calling the same function), and logging +39 % on the list's p50 and +39 % on the
     casus page, against +20 % and +27 % in the table above. Its commit and the commit that
     reverts it are both on main.
- session 6 (2026-11-26, from 13:30 UTC):
  1. where a list request's CPU goes, in-process, one request at a time (100 tenants,
     `--large 300`, 300 requests, `time.process_time` around each stage): 14–19 ms for the
     whole request (runs minutes apart differ by a fifth), of which the identity middleware
     1.9 ms, the dashboard's four lists without the log 6 ms (a count, four pages, their
     rows), the access-log append 2.3–2.6 ms, Jinja 1.9 ms, meetings and hand-overs 0.8 ms;
     the rest is Litestar's middleware, the session store and the test client. Measured the
     same way, `/healthz` costs 1.3 ms and `/auth/session` (signed in, no tenant) 4.3 ms.
     Logging on against off, six alternated runs of 200 requests at 100 tenants: the app
     17.1 against 13.7 ms, PostgreSQL 5.8 against 3.7 ms per list request;
  2. the access-log append sends the fields all entries of one call share (time, actor,
     request id) once, beside the rows, instead of in each row's JSON; each entry's hash
     input is one tuple and its id text without a `uuid.UUID`. The Python part for 50
     entries: 0.90 → 0.36 ms. In-process A/B at 100 tenants, 8 alternated runs of 150 list
     requests: CPU inside `record_many` 2.13 → 1.72 ms, PostgreSQL 5.07 → 4.63 ms per request;
  3. measured and not kept: the lock and the chain's end read by one PL/pgSQL call whose
     text is the same for every tenant (lock, then the end through dynamic SQL, which takes
     a fresh snapshot after the lock). In-process A/B at 200 tenants: `record_many` 1.59 →
     1.32 ms, PostgreSQL 4.67 → 4.57 ms, 1.8 round trips fewer per request; 2 % of the
     request's CPU, for a platform migration and a dynamic-SQL function. Two uvicorn
     processes instead of one (20 tenants, app and floor alike): list 75 → 81 req/s, casus
     page 124 → 124, floor 210 → 238 and 603 → 701. One app process, PostgreSQL and the
     load generator already keep both cores busy;
  4. the 1,000-tenant run at 14:00 UTC, against 11:45 UTC: list 58 / 180 req/s (32 %, was 33 %),
     casus page 94 / 407 (23 %, was 25 %), RSS 120 → 121 MB after the two touch rounds.
     Logging, alternated as before: +15 % on the list's p50 (was +20 %; per run the app
     gave 53–67 req/s, without logging 60–72) and +23 % on the casus page (was +27 %). The
     floor was slower than at 11:45 too (list 187 → 180, casus page 491 → 407 req/s).
  5. the table above (14:51 UTC), with tenant revision t0008 (the dashboard lists' indexes,
     which matter in the few large municipalities): list 58 / 184 req/s (32 %), casus page
     129 / 480 (27 %), RSS 120 → 121 MB. Logging: +15 % on the list's p50 (per run the app
     gave 54–66 req/s, without logging 65–73) and +37 % on the casus page (84–103 against
     116–130; +23 % at 14:00 UTC). The casus page logs one entry a view, so the append's
     fixed part (lock, chain end, INSERT, a commit that flushes the WAL) falls on a request
     that is otherwise short.
"""


def section(text: str, bench: Bench, version: str) -> str:
    a = bench.args
    statuses = "; ".join(
        f"{s.name} {p}: {dict(load.statuses)} ({load.errors} errors)"
        for s in bench.servers
        for p, load in [
            *s.loads.items(),
            *(
                (f"{page} round {i + 1}", r)
                for page, rs in s.alternated.items()
                for i, r in enumerate(rs)
            ),
        ]
    )
    return f"""## Web: casus pages under load

`bench/web.py`.
{benchdb.measured(version, bench.srv.where, bench.load_start, bench.notes["data"])}
{a.clients} concurrent clients, and {a.clients_high} for a second list run (`bench/loadgen.py`,
its own process, keep-alive connections),
at most {a.requests} requests or {a.duration:.0f} s per run, each request for a random tenant
(and a random casus of it) of all {a.tenants}, signed in as that municipality's regie.
App and floor (`bench/floorapp.py`) each under `uvicorn` (one process, `--no-access-log`),
one after the other, each warmed by one request per tenant first. Then the app with and
without verwerkingenlog (`bench/nolog_app.py`), both up, each page in {AB_ROUNDS} runs of
{a.duration / 2:.0f} s at most, taking turns (ABBA…); the logging rows compare the medians.

{text}

- *floor*: a raw ASGI callable over an asyncpg pool doing the same SQL per request: session
  row, identity session with user and organisation, memberships with tenant status; then one
  transaction with `SET LOCAL ROLE` and `SET LOCAL search_path`, the coming meetings, the
  dashboard's four lists counted in one query and one page of 25 of each (overdue reviews,
  late plans, open casussen with person and plan, signals to weigh), and one chained
  access-log entry per casus and signal shown, chained under the tenant's advisory lock
  (lock, chain end, one INSERT) as the app makes them; escaped HTML.
- *50 newest casussen as JSON*: the peer's kind of page through the whole stack (session,
  identity, tenant gate, tenant role and path, need-to-know, one access-log entry per casus);
  the app serves it from `bench/json_app.py` (the application has no such page), the floor
  the same SQL and log entries.
- Targets are ratios to the floor in the same run (throughput ≥ 50 %, one client p50 ≤ 2×,
  logging ≤ 10 % on the p50); the absolute p95 and req/s targets are withdrawn.
- *verwerkingenlog uit*: the same app with `verwerkingenlog.services.record` and
  `record_many` replaced by no-ops in the benchmark's own app factory; the application has
  no such switch.
- *one client at a time*: {SINGLE_CLIENT_REQUESTS} requests per page from a single
  connection after the load runs.
- Responses: {statuses}.
- Run it alone: `.venv/bin/python bench/web.py --tenants 50 --large 1000` (`--help`;
  `--profile` profiles the app in-process with pyinstrument and counts its SQL statements).
{HISTORY}"""
