"""Signs of life: worker and scheduler keep their heartbeat file fresh (the pods' probes read
it), and every periodic job records its last success (the metrics and alerts read that)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from dramatiq import Broker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import ROOT, StartWorker, WorkerProcess, child_env, wait_for, wait_for_line

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.workers.actors import housekeeping, outbox_sweep

# The chart's readiness probe, as the kubelet runs it (helm/casushub/templates/_helpers.tpl).
PROBE = "find {path} -newermt '-60 seconds' | grep -q ."


def _probe(path: Path) -> int:
    return subprocess.run(["/bin/sh", "-c", PROBE.format(path=path)], check=False).returncode  # noqa: S603


async def test_the_worker_keeps_its_heartbeat_fresh(
    start_worker: StartWorker, tmp_path: Path
) -> None:
    heartbeat = tmp_path / "heartbeat" / "worker"
    start_worker(DATA_DIR=str(tmp_path))

    async def beating() -> bool:
        return heartbeat.exists()

    await wait_for(beating, what="het hartslagbestand van de worker")
    first = heartbeat.stat().st_mtime
    assert _probe(heartbeat) == 0

    async def refreshed() -> bool:
        return heartbeat.stat().st_mtime > first

    await wait_for(refreshed, what="een nieuwe hartslag", seconds=30)


def _start_scheduler(settings: Settings, data_dir: Path) -> WorkerProcess:
    process = subprocess.Popen(
        [sys.executable, "-m", "casushub", "scheduler"],
        cwd=ROOT,
        env=child_env(settings, DATA_DIR=str(data_dir)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return WorkerProcess(process)


async def test_the_scheduler_keeps_its_heartbeat_fresh(settings: Settings, tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat" / "scheduler"
    scheduler = _start_scheduler(settings, tmp_path)
    process = scheduler.process
    try:
        wait_for_line(process, "casushub scheduler")  # active, or standing by: both beat
        scheduler.drain()

        async def beating() -> bool:
            return heartbeat.exists()

        await wait_for(beating, what="het hartslagbestand van de planner")
        assert _probe(heartbeat) == 0
        first = heartbeat.stat().st_mtime

        async def refreshed() -> bool:
            return heartbeat.stat().st_mtime > first

        await wait_for(refreshed, what="een nieuwe hartslag van de planner", seconds=30)
    finally:
        scheduler.stop()
    # A stopped process leaves a file that grows stale: the probe fails once it is old.
    old = heartbeat.stat().st_mtime - 120
    os.utime(heartbeat, (old, old))
    assert _probe(heartbeat) != 0


async def _last_success(
    engine: AsyncEngine, kind: str, tenant_id: uuid.UUID | None = None
) -> float | None:
    async with engine.connect() as conn:
        row = await conn.execute(
            text(
                "SELECT extract(epoch FROM finished_at) FROM platform.jobs "
                "WHERE kind = :k AND tenant_id IS NOT DISTINCT FROM :t"
            ),
            {"k": f"periodiek:{kind}", "t": tenant_id},
        )
        value = row.scalar()
    return float(value) if value is not None else None


async def test_periodic_jobs_record_their_last_success(
    broker: Broker,
    start_worker: StartWorker,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    async with admin_engine.begin() as conn:
        await conn.execute(text("DELETE FROM platform.jobs WHERE kind LIKE 'periodiek:%'"))
    start_worker()
    housekeeping.send()
    outbox_sweep.send()

    async def recorded() -> bool:
        return all(
            [
                await _last_success(admin_engine, "housekeeping"),
                await _last_success(admin_engine, "housekeeping.tenant", tenant_a.id),
                await _last_success(admin_engine, "outbox.sweep"),
            ]
        )

    await wait_for(recorded, what="de laatste geslaagde run per periodieke taak")
    first = await _last_success(admin_engine, "outbox.sweep")
    outbox_sweep.send()

    async def again() -> bool:
        latest = await _last_success(admin_engine, "outbox.sweep")
        return latest is not None and first is not None and latest > first

    await wait_for(again, what="een tweede geslaagde outbox-sweep")
    async with admin_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT count(*) FROM platform.jobs WHERE kind = 'periodiek:outbox.sweep'")
        )
        assert rows.scalar_one() == 1
