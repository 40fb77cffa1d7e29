"""The nightly run: the scheduler's ``housekeeping`` tick reaches the sweep in a real worker."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator

import pytest
from dbkit import casushub_worker
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

DEADLINE = 90.0


@pytest.fixture
def worker(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    with casushub_worker(settings) as process:
        yield process


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
