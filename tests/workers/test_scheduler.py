"""Two schedulers: only the one holding the advisory lock enqueues; the other takes over."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import ROOT, WorkerProcess, child_env, wait_for, wait_for_line

from casushub.platform.settings import Settings


@pytest.fixture
def schedulers(settings: Settings) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for process in started:
        process.stop()


def _start(settings: Settings, started: list[WorkerProcess]) -> WorkerProcess:
    process = subprocess.Popen(
        [sys.executable, "-m", "casushub", "scheduler"],
        cwd=ROOT,
        env=child_env(settings, SCHEDULER_SWEEP_SECONDS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wrapped = WorkerProcess(process)
    started.append(wrapped)
    return wrapped


async def _senders(admin_engine: AsyncEngine) -> set[str]:
    async with admin_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT DISTINCT message->'options'->>'scheduler' FROM dramatiq.queue "
                "WHERE message->>'actor_name' = 'outbox.sweep' "
                "AND message->'options' ? 'scheduler'"
            )
        )
        return {row[0] for row in rows}


async def test_only_one_scheduler_enqueues_and_the_other_takes_over(
    settings: Settings, admin_engine: AsyncEngine, schedulers: list[WorkerProcess]
) -> None:
    async with admin_engine.begin() as conn:  # no worker runs here: messages stay queued
        await conn.execute(text("DELETE FROM dramatiq.queue"))
    first = _start(settings, schedulers)
    wait_for_line(first.process, "casushub scheduler actief")
    first.drain()
    second = _start(settings, schedulers)
    wait_for_line(second.process, "casushub scheduler stand-by")
    second.drain()

    first_id = f":{first.process.pid}"
    await wait_for(
        lambda: _count_at_least(admin_engine, 3), what="drie sweeps van de actieve planner"
    )
    senders = await _senders(admin_engine)
    assert len(senders) == 1
    assert next(iter(senders)).endswith(first_id)

    first.kill()  # its session ends, PostgreSQL releases the lock
    second_id = f":{second.process.pid}"

    async def taken_over() -> bool:
        return any(sender.endswith(second_id) for sender in await _senders(admin_engine))

    await wait_for(taken_over, what="de stand-by planner neemt het over")


async def _count_at_least(admin_engine: AsyncEngine, n: int) -> bool:
    async with admin_engine.connect() as conn:
        count = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM dramatiq.queue "
                    "WHERE message->>'actor_name' = 'outbox.sweep'"
                )
            )
        ).scalar_one()
    return bool(count >= n)
