"""RabbitMQ or Redis away for a while: no job lost, no effect doubled.

The machine's RabbitMQ and Redis are shared services: the test never stops them. It puts a
TCP proxy of its own between the worker (and the test) and the broker, and cuts every
connection through it, refusing new ones, then lets them through again: to the worker that is
the broker going away and coming back. ``RABBITMQ_URL`` / ``REDIS_URL`` (set by `.ci/run`
when those brokers answer) select the variants; without them they skip.

1. a worker starts (through the proxy) and finishes job A;
2. the proxy cuts the broker off; jobs B1..B3 are committed to the outbox meanwhile;
3. the proxy lets connections through again; the scheduler's sweep (from a separate process)
   relays the outbox; every job ends ``done`` with exactly one effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from faultkit import WORKERS_DIR, free_port, run_sweep, start_worker, stop_worker, wait_for
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.jobs import create_job, get_job
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.outbox.services import record
from casushub.tenants.personen.models import Persoon

LATER_JOBS = 3


class TcpProxy:
    """A loopback TCP proxy in front of a broker; ``cut`` drops every connection and refuses
    new ones, ``restore`` accepts again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        for sock in [s for s in [listener] if s is not None] + sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._open += [client, upstream]
                self.connections += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _shared_broker(kind: str) -> str:
    variable = {"rabbitmq": "RABBITMQ_URL", "redis": "REDIS_URL"}[kind]
    url = os.environ.get(variable)
    if not url:
        pytest.skip(f"{variable} is niet gezet: de {kind}-storing wordt overgeslagen")
    return url


def _via(url: str, port: int, kind: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    path = parts.path
    if kind == "redis" and not path.strip("/"):
        # A numbered database of its own on the shared server (not 0, not another run's).
        path = f"/{int(uuid.uuid4()) % 15 + 1}"
    return urlunsplit(
        parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host, path=path)
    )


@pytest.fixture(params=["rabbitmq", "redis"])
def proxied(
    request: pytest.FixtureRequest, settings: Settings
) -> Iterator[tuple[str, Settings, TcpProxy]]:
    kind = str(request.param)
    url = _shared_broker(kind)
    parts = urlsplit(url)
    proxy = TcpProxy(
        (parts.hostname or "127.0.0.1", parts.port or (5672 if kind == "rabbitmq" else 6379))
    )
    proxy.restore()
    own = replace(settings, broker_url=_via(url, proxy.port, kind), worker_heartbeat_ttl=2.0)
    try:
        yield kind, own, proxy
    finally:
        proxy.cut()
        # Back to the default broker for the rest of the session (the test process sent here).
        from casushub.workers.broker import configure

        configure(replace(settings, broker_url=""))


async def _outbox_job(engine: AsyncEngine, settings: Settings, tenant: TenantRef) -> uuid.UUID:
    job_id = await create_job(engine, "probe.effect")
    async with tenant_session(engine, tenant, settings) as session, session.begin():
        record(session, "probe.effect", job_id=job_id)
    return job_id


async def test_shared_broker_outage_loses_nothing_doubles_nothing(
    proxied: tuple[str, Settings, TcpProxy],
    app_engine: AsyncEngine,
    tenant_a: TenantRef,
    tmp_path: Path,
) -> None:
    kind, settings, proxy = proxied
    if str(WORKERS_DIR) not in sys.path:
        sys.path.insert(0, str(WORKERS_DIR))
    from casushub.workers.broker import configure

    broker = configure(settings)
    import probe_actors  # noqa: F401 - declares the probe actors on this broker

    for actor in list(broker.actors.values()):
        broker.declare_actor(actor)
    # Leftovers of an earlier run on the shared server belong to another database.
    broker.flush_all()
    log = tmp_path / f"workers-{kind}.log"
    workers = [start_worker(settings, log)]
    try:
        # 1. The path works: job A through the proxy.
        job_a = await _outbox_job(app_engine, settings, tenant_a)
        assert await asyncio.to_thread(run_sweep, settings), log.read_text()[-3000:]

        async def status(job_id: uuid.UUID) -> str:
            job = await get_job(app_engine, job_id)
            return job.status if job is not None else "?"

        async def a_done() -> bool:
            return await status(job_a) == "done"

        await wait_for(a_done, what=f"job A klaar via {kind}")
        before = proxy.connections

        # 2. The broker away: every connection cut, new ones refused; work goes on meanwhile.
        proxy.cut()
        later = [await _outbox_job(app_engine, settings, tenant_a) for _ in range(LATER_JOBS)]
        assert not await asyncio.to_thread(run_sweep, settings), "de sweep bereikte de broker"
        await asyncio.sleep(3)  # the worker meets the outage (a pause, not a timing assertion)

        # 3. Back: the sweep relays the outbox; the worker reconnects (or is restarted, as a
        # process manager would) and does every job once.
        proxy.restore()

        async def swept() -> bool:
            return await asyncio.to_thread(run_sweep, settings)

        await wait_for(swept, what="sweep verstuurd na herstel")

        async def all_done() -> bool:
            if workers[-1].poll() is not None:
                workers.append(start_worker(settings, log))
            return all([await status(j) == "done" for j in later])

        await wait_for(all_done, what=f"alle jobs klaar na de {kind}-storing")
        assert proxy.connections > before, "nothing reconnected through the proxy"
        async with tenant_session(app_engine, tenant_a, settings) as session:
            for job_id in (job_a, *later):
                effects = await session.scalar(
                    select(func.count())
                    .select_from(Persoon)
                    .where(Persoon.naam == f"probe-{job_id}")
                )
                assert effects == 1, f"job {job_id}: {effects} effecten"
            unrelayed = await session.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(
                    OutboxEntry.relayed_at.is_(None),
                    OutboxEntry.payload["job_id"].astext.in_([str(j) for j in (job_a, *later)]),
                )
            )
        assert unrelayed == 0
        print(f"{kind}: workers gestart: {len(workers)}, verbindingen: {proxy.connections}")
    finally:
        for process in workers:
            await asyncio.to_thread(stop_worker, process)
