"""The nightly run: the scheduler's ``housekeeping`` tick reaches the sweep in a real worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from privacykit import FreshTenant
from retentiekit import afgesloten_casus
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.bewaartermijnen.models import Vernietigingsbewijs
from casushub.tenants.casus.models import Casus
from casushub.workers.actors import HOUSEKEEPING_TASKS, housekeeping
from casushub.workers.broker import configure
from casushub.workers.retention import retention_sweep

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 90.0


@pytest.fixture
def worker(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "CASUSHUB_ENV": "test",
        "BROKER_URL": "",
        "WORKER_THREADS": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "casushub", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + DEADLINE
    for line in process.stdout:
        if "casushub worker gestart" in line or time.monotonic() > deadline:
            break
    # Keep reading so a full pipe never blocks the worker.
    drain = threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True)
    drain.start()
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    drain.join(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


def test_the_sweep_is_a_housekeeping_task() -> None:
    assert retention_sweep in HOUSEKEEPING_TASKS


async def test_housekeeping_destroys_what_is_due_in_a_real_worker(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
    worker: subprocess.Popen[str],
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        due = await afgesloten_casus(session, "Nora Nacht")
    # Left configured, not closed: it is the process's global broker, and a closed one made
    # a later test's web app in this worker process fail every send (PoolClosed).
    configure(settings)
    await asyncio.to_thread(housekeeping.send)

    async def receipts() -> int:
        async with tenant_session(app_engine, tenant, settings) as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(Vernietigingsbewijs)
                    .where(Vernietigingsbewijs.record_id == due.casus_id)
                )
                or 0
            )

    deadline = time.monotonic() + DEADLINE
    while await receipts() == 0:
        assert worker.poll() is None, "de worker is gestopt"
        assert time.monotonic() < deadline, "geen vernietiging binnen de termijn"
        await asyncio.sleep(0.5)
    async with tenant_session(app_engine, tenant, settings) as session:
        assert await session.get(Casus, due.casus_id) is None
