"""One pooled connection per task at a time: the rule that keeps the pool free of deadlocks.

A request that holds a connection (its tenant transaction) and then asks the same pool for a
second one (a platform lookup) waits for a connection that other such requests hold: with as
many concurrent requests as the pool has connections, every one of them waits and each
answers after the pool timeout. So a task reads the platform before or after its tenant
transaction, never inside it. :func:`bewaak` makes the pool refuse the second checkout at
once, so a test finds the mistake instead of a load peak in production.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

__all__ = ["TweedeVerbinding", "bewaak"]

_TAAK = "casushub_taak"


class TweedeVerbinding(RuntimeError):
    """A task asked the pool for a connection while it held one."""


def bewaak(engine: AsyncEngine) -> None:
    """Refuse a second checkout from ``engine``'s pool by a task that holds one."""
    houders: weakref.WeakKeyDictionary[asyncio.Task[object], int] = weakref.WeakKeyDictionary()

    def checkout(
        _dbapi: object, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        taak = asyncio.current_task()
        if taak is None:
            return
        if houders.get(taak):
            msg = (
                "deze taak houdt al een verbinding uit de pool vast: lees platformgegevens "
                "voor of na de tenanttransactie, niet erbinnen"
            )
            raise TweedeVerbinding(msg)
        houders[taak] = 1
        record.info[_TAAK] = weakref.ref(taak)

    def checkin(_dbapi: object, record: ConnectionPoolEntry) -> None:
        ref = record.info.pop(_TAAK, None)
        taak = ref() if ref is not None else None
        if taak is not None:
            houders.pop(taak, None)

    event.listen(engine.sync_engine.pool, "checkout", checkout)
    event.listen(engine.sync_engine.pool, "checkin", checkin)
