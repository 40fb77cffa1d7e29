"""Web benchmark: the signed-in casus pages under load, with N tenants.

Run with ``make bench`` (or ``.venv/bin/python bench/web.py --help``). Fills a fresh database
with ``bench/datagen.py`` (1,000 municipalities by default), makes one signed-in session per
municipality (``casushub.web.auth.testing.create_signed_in_session``, role gemeente regie),
and serves, under uvicorn on loopback with the same settings:

1. the app (``casushub.web.app:create_app``), then
2. the floor: a bare ASGI callable doing the same SQL over asyncpg (``bench/floorapp.py``);
3. last the app and the app with the access-log write replaced by a no-op
   (``bench/nolog_app.py``, bench only) side by side, loaded in turns, for the cost of logging.

Each server first gets every tenant's casus list once (warm-up; for the app its RSS is read
after this first round and after a second one). Then ``bench/loadgen.py``, a separate process,
sends the casus list (``/casusoverleg``), the casus page (``/casusoverleg/casussen/{id}``) and
the 50 newest casussen as JSON (``bench/json_app.py``) from ``--clients`` concurrent keep-alive
connections (the list also from ``--clients-high``), each request for a random tenant (and a
random casus of it), bounded by ``--requests`` and ``--duration``.

This file is the entry point; the servers and the load are in ``bench/web_servers.py``, the
run in ``bench/web_run.py``, the table and the README section in ``bench/web_report.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

import benchdb  # puts the project root on sys.path, for the bench.web_* imports below

from bench.web_report import section, table
from bench.web_run import Bench


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000, help="municipalities (1000)")
    parser.add_argument("--large", type=int, default=10_000, help="largest municipality (10,000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument(
        "--clients-high", type=int, default=50, help="concurrent clients, second list run (50)"
    )
    parser.add_argument("--requests", type=int, default=5000, help="requests per run (5000)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per run at most (30)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    parser.add_argument(
        "--profile", action="store_true", help="only profile the app in-process (pyinstrument)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with benchdb.server("casushub-benchweb-") as srv:
        version = asyncio.run(benchdb.pg_version(srv.url))
        bench = Bench(args, srv)
        asyncio.run(bench.prepare())
        try:
            if args.profile:
                asyncio.run(bench.profile())
                return 0
            bench.run_servers()
            bench.logging_ab()
        finally:
            asyncio.run(bench.cleanup())
    text, ok = table(bench.servers, args.clients, args.clients_high)
    print()
    print(text)
    if not args.no_readme:
        benchdb.write_section("web", section(text, bench, version))
        print(f"\nwritten to {benchdb.README.relative_to(benchdb.ROOT)}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
