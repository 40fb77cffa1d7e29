"""``casushub scheduler``: the one process that enqueues periodic jobs.

Several may be started (a rolling deploy, two replicas by mistake): each first takes a
PostgreSQL session-level advisory lock, and only the holder schedules. The others stand by
and retry, so one of them takes over when the holder dies (its connection closes and
PostgreSQL releases the lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import socket
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from casushub.platform import klok
from casushub.platform.database import create_app_engine
from casushub.workers.broker import configure
from casushub.workers.heartbeat import heartbeat_path, touch

if TYPE_CHECKING:
    from dramatiq import Actor
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.settings import Settings

__all__ = ["SCHEDULER_LOCK", "run_scheduler"]

log = logging.getLogger(__name__)

SCHEDULER_LOCK = int.from_bytes(
    hashlib.sha256(b"casushub.scheduler").digest()[:8], "big", signed=True
)
STANDBY_RETRY_SECONDS = 3.0
TIMEZONE = klok.TIJDZONE


def _schedule(settings: Settings) -> list[tuple[str, IntervalTrigger | CronTrigger]]:
    sweep = max(1, settings.scheduler_sweep_seconds)
    return [
        ("housekeeping", CronTrigger(hour=3, minute=15, timezone=TIMEZONE)),
        ("lifecycle.vernietig", CronTrigger(hour=3, minute=45, timezone=TIMEZONE)),
        ("outbox.sweep", IntervalTrigger(seconds=sweep, timezone=TIMEZONE)),
        ("mail.sweep", IntervalTrigger(seconds=sweep * 5, timezone=TIMEZONE)),
        ("jobs.sweep", IntervalTrigger(seconds=sweep * 5, timezone=TIMEZONE)),
    ]


async def _take_lock(conn: AsyncConnection) -> bool:
    got = (await conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({SCHEDULER_LOCK})")).scalar()
    await conn.commit()
    return bool(got)


async def run_scheduler(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    broker = configure(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    instance = f"{socket.gethostname()}:{os.getpid()}"
    heartbeat = heartbeat_path(settings, "scheduler")
    engine = create_app_engine(settings)
    try:
        async with engine.connect() as lock_conn:
            announced = False
            # The pod's probes read the heartbeat file: touched after every successful round
            # trip on the lock connection, active or standing by.
            while not await _take_lock(lock_conn):
                touch(heartbeat)
                if not announced:
                    print("casushub scheduler stand-by", flush=True)
                    log.info("another scheduler holds the lock; standing by")
                    announced = True
                try:
                    await asyncio.wait_for(stop.wait(), STANDBY_RETRY_SECONDS)
                except TimeoutError:
                    continue
                return 0
            touch(heartbeat)
            print("casushub scheduler actief", flush=True)
            log.info("scheduler active", extra={"instance": instance})

            def enqueue(actor_name: str) -> None:
                actor: Actor[..., None] = broker.get_actor(actor_name)
                # The sender is recorded so operators (and the tests) can see who scheduled.
                actor.send_with_options(scheduler=instance)

            scheduler = AsyncIOScheduler(timezone=TIMEZONE)
            for actor_name, trigger in _schedule(settings):
                scheduler.add_job(
                    asyncio.to_thread,
                    trigger,
                    args=(enqueue, actor_name),
                    id=actor_name,
                    coalesce=True,
                    max_instances=1,
                    misfire_grace_time=300,
                )
            scheduler.start()
            try:
                while not stop.is_set():
                    try:
                        await asyncio.wait_for(stop.wait(), 10)
                    except TimeoutError:
                        # Still holding the lock? A lost connection means another may take over.
                        await lock_conn.exec_driver_sql("SELECT 1")
                        await lock_conn.commit()
                        touch(heartbeat)
            finally:
                scheduler.shutdown(wait=False)
    finally:
        await engine.dispose()
        broker.close()
    return 0
