"""The web benchmark's run: the data and sessions it prepares, the app and the floor under
load, logging on and off in turns, and ``--profile``.

Part of ``bench/web.py``; imported as ``bench.<module>`` (``benchdb``, imported first, puts the
project root on ``sys.path``) so that mypy checks the calls between the parts typed."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import benchdb
import datagen

from bench.web_servers import BENCH, Server, load, rss_mb, serve

SINGLE_CLIENT_REQUESTS = 300

# Logging on and off are measured alternately, both servers up: one run each, one after the
# other, differed by ±25 % on this machine from drift alone (too coarse to tell a 10 %
# difference apart).
AB_ROUNDS = 4


async def _sessions(settings: Any, tenants: Sequence[datagen.TenantData]) -> list[str]:
    from casushub.platform.database import create_admin_engine
    from casushub.platform.identity.roles import Role
    from casushub.web.auth.testing import create_signed_in_session

    engine = create_admin_engine(settings, pool_size=4)
    gate = asyncio.Semaphore(4)

    async def one(tenant: datagen.TenantData) -> str:
        async with gate:
            signed = await create_signed_in_session(
                engine, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant.ref.id
            )
        return str(signed.cookie)

    try:
        return list(await asyncio.gather(*(one(t) for t in tenants)))
    finally:
        await engine.dispose()


class Bench:
    def __init__(self, args: argparse.Namespace, srv: benchdb.Server) -> None:
        self.args = args
        self.srv = srv
        self.load_start = benchdb.load_average()
        self.notes: dict[str, str] = {}
        self.servers = [
            Server("app", "json_app:create_app", factory=True),
            Server("app, verwerkingenlog uit", "nolog_app:create_app", factory=True),
            Server("floor", "floorapp:app", factory=False),
        ]

    async def prepare(self) -> None:
        self.db = benchdb.BenchDatabase(self.srv.url, "web", self.srv.where)
        await self.db.create()
        self.settings = self.db.settings()
        began = time.perf_counter()
        self.data = await datagen.generate(
            self.db, self.settings, tenants=self.args.tenants, large=self.args.large
        )
        self.notes["data"] = self.data.summary()
        print(self.notes["data"], flush=True)
        self.cookies = await _sessions(self.settings, self.data.tenants)
        print(f"prepared in {time.perf_counter() - began:.1f} s", flush=True)

    def env(self) -> dict[str, str]:
        from casushub.platform.migrate.revisions import tenant_head

        s = self.settings
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(benchdb.ROOT)]),
            "DATABASE_URL": s.database_url,
            "APP_DATABASE_URL": s.app_database_url,
            "DB_ROLE_PREFIX": s.db_role_prefix,
            "CASUSHUB_ENV": "test",
            "SECURE_COOKIES": "false",
            "SECRET_KEY": s.secret_key,
            "FLOOR_DSN": benchdb.libpq(s.app_database_url),
            "FLOOR_ROLE_PREFIX": s.db_role_prefix,
            "FLOOR_TENANT_HEAD": tenant_head(),
        }

    def jobs(self, page: str, count: int, seed: int) -> list[tuple[str, str]]:
        rng = random.Random(seed)
        tenants = self.data.tenants
        result = []
        for _ in range(count):
            i = rng.randrange(len(tenants))
            if page == "list":
                path = "/casusoverleg"
            elif page == "json":
                path = "/casussen.json"
            else:
                path = f"/casusoverleg/casussen/{rng.choice(tenants[i].casussen)}"
            result.append((path, self.cookies[i]))
        return result

    def _touch(self, server: Server, port: int, log: Path) -> None:
        every = [("/casusoverleg", c) for c in self.cookies]
        touch = load(
            "touch", port, every, self.srv.tmp, clients=4, requests=len(every), duration=3600
        )
        bad = {k: v for k, v in touch.statuses.items() if k != "200"}
        if bad or touch.errors:
            msg = f"{server.name}: touch: {bad}, errors {touch.errors}"
            raise RuntimeError(msg + "\n" + log.read_text()[-3000:])

    def logging_ab(self) -> None:
        """The app with and without the verwerkingenlog, both up, loaded in turns (ABBA…)."""
        a = self.args
        app, nolog = self.servers[0], self.servers[1]
        with ExitStack() as stack:
            ports = {}
            for server, name in ((app, "ab-app"), (nolog, "ab-nolog")):
                log = self.srv.tmp / f"{name}.log"
                ports[server.name], _pid = stack.enter_context(serve(server, self.env(), log))
                self._touch(server, ports[server.name], log)
            for round_ in range(AB_ROUNDS):
                for server in (app, nolog) if round_ % 2 == 0 else (nolog, app):
                    for page in ("list", "casus"):
                        result = load(
                            page,
                            ports[server.name],
                            self.jobs(page, a.requests, 100 + round_),
                            self.srv.tmp,
                            clients=a.clients,
                            requests=a.requests,
                            duration=a.duration / 2,
                        )
                        server.alternated.setdefault(page, []).append(result)
                        print(
                            f"{server.name} {page} (round {round_ + 1}): {result.rps:.0f} req/s, "
                            f"p50 {result.p(0.5):.1f} ms, p95 {result.p(0.95):.1f} ms, "
                            f"statuses {result.statuses}, errors {result.errors}",
                            flush=True,
                        )

    def run_servers(self) -> None:
        a = self.args
        # The app and the floor; the app without logging runs in logging_ab.
        for server in (self.servers[0], self.servers[2]):
            log = self.srv.tmp / f"{server.name.split(',')[0]}-{len(server.loads)}.log"
            with serve(server, self.env(), log) as (port, pid):
                server.rss_mb.append(("started", rss_mb(pid)))
                for round_ in ("1", "2"):
                    self._touch(server, port, log)
                    server.rss_mb.append(
                        (
                            f"after touching all {len(self.cookies)} tenants, round {round_}",
                            rss_mb(pid),
                        )
                    )
                    if server.name != "app":
                        break
                # The two pages at --clients, then the list from one client at a time: its
                # latency without queueing (the service time).
                for run, page, seed, clients, requests in (
                    ("list", "list", 1, a.clients, a.requests),
                    ("list-high", "list", 4, a.clients_high, a.requests),
                    ("casus", "casus", 2, a.clients, a.requests),
                    ("json", "json", 5, a.clients, a.requests),
                    ("list-1", "list", 3, 1, SINGLE_CLIENT_REQUESTS),
                    ("casus-1", "casus", 6, 1, SINGLE_CLIENT_REQUESTS),
                    ("json-1", "json", 7, 1, SINGLE_CLIENT_REQUESTS),
                ):
                    result = load(
                        run,
                        port,
                        self.jobs(page, requests, seed),
                        self.srv.tmp,
                        clients=clients,
                        requests=requests,
                        duration=a.duration,
                    )
                    server.loads[run] = result
                    print(
                        f"{server.name} {run}: {len(result.latencies)} in {result.seconds:.1f} s "
                        f"= {result.rps:.0f} req/s, p50 {result.p(0.5):.1f} ms, "
                        f"p95 {result.p(0.95):.1f} ms, p99 {result.p(0.99):.1f} ms, "
                        f"statuses {result.statuses}, errors {result.errors}",
                        flush=True,
                    )
                server.rss_mb.append(("after the load runs", rss_mb(pid)))
            print(f"{server.name} RSS: {server.rss_mb}", flush=True)

    async def profile(self) -> None:
        """--profile: where the app's time goes for the casus list, in-process (pyinstrument),
        with its statements and its round trips to the database per request."""
        import httpx
        from pyinstrument import Profiler
        from sqlalchemy import event

        from casushub.web.app import SESSION_COOKIE, create_app

        app = create_app(self.settings)
        statements: Counter[str] = Counter()
        # In this event loop (not the test client's thread), so pyinstrument sees the app.
        # Litestar types its ASGI scopes as TypedDicts, httpx as a plain mapping: same protocol.
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client,
        ):

            def count(*args: Any) -> None:
                text = re.sub(r"\bt_\w+\.", "", " ".join(str(args[2]).split()))
                statements[re.sub(r'ROLE "[^"]+"', "ROLE …", text)[:110] + "…" + text[-60:]] += 1

            def get(path: str, cookie: str) -> Any:
                # The cookie per request, never the jar: the app sets the cookie again on
                # every response, and a jar would keep one tenant's session for all.
                client.cookies.clear()
                return client.get(path, headers={"cookie": f"{SESSION_COOKIE}={cookie}"})

            event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
            for page in ("list", "casus"):
                jobs = self.jobs(page, 40, 3)
                for path, cookie in jobs[:5]:  # warm-up
                    await get(path, cookie)
                profiler = Profiler(async_mode="enabled")
                profiler.start()
                began = time.perf_counter()
                with round_trips() as trips:
                    for path, cookie in jobs[5:]:
                        response = await get(path, cookie)
                        response.raise_for_status()
                elapsed = time.perf_counter() - began
                profiler.stop()
                per_request = {k: round(v / (len(jobs) - 5), 2) for k, v in sorted(trips.items())}
                print(f"round trips per request: {per_request}")
                for text, n in statements.most_common(40):
                    print(f"{n:6d}  {text}")
                statements.clear()
                print(f"\n=== profile: {page}, {len(jobs) - 5} requests in {elapsed:.2f} s")
                print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)

    async def cleanup(self) -> None:
        await self.db.drop()


@contextmanager
def round_trips() -> Iterator[Counter[str]]:
    """Count the app's round trips to the database by asyncpg call (bench only).

    Each is one round trip: a prepare (Parse and Describe; "unnamed" for PostgreSQL's unnamed
    statement), a bind-execute, a statement close, and a simple query (BEGIN, COMMIT and
    ROLLBACK are sent so).
    """
    from asyncpg.connection import Connection
    from asyncpg.prepared_stmt import PreparedStatement

    trips: Counter[str] = Counter()
    saved = Connection.prepare, Connection._cleanup_stmts, Connection.execute
    fetch = PreparedStatement.fetch

    async def prepare(self: Connection, query: str, **kw: Any) -> Any:
        trips["prepare (unnamed)" if kw.get("name") == "" else "prepare"] += 1
        return await saved[0](self, query, **kw)

    async def cleanup(self: Connection) -> None:
        trips["close"] += len(self._stmts_to_close)
        await saved[1](self)

    async def execute(self: Connection, query: str, *args: Any, **kw: Any) -> Any:
        trips["simple query" if not args else "execute"] += 1
        return await saved[2](self, query, *args, **kw)

    async def bind_execute(self: PreparedStatement, *args: Any, **kw: Any) -> Any:
        trips["bind-execute"] += 1
        return await fetch(self, *args, **kw)

    Connection.prepare, Connection._cleanup_stmts, Connection.execute = prepare, cleanup, execute
    PreparedStatement.fetch = bind_execute
    try:
        yield trips
    finally:
        Connection.prepare, Connection._cleanup_stmts, Connection.execute = saved
        PreparedStatement.fetch = fetch
