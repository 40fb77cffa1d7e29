"""Per-process state of a worker: settings, broker and lazily created database engines.

Engines are created on dramatiq's event-loop thread (the ``AsyncIO`` middleware) at first use
and live as long as the process; every coroutine of an actor runs on that one loop.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from dramatiq.asyncio import get_event_loop_thread

from casushub.platform.database import create_admin_engine, create_app_engine

if TYPE_CHECKING:
    from dramatiq import Broker
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["Runtime", "configure", "current"]

T = TypeVar("T")


class Runtime:
    def __init__(self, settings: Settings, broker: Broker) -> None:
        self.settings = settings
        self.broker = broker
        self._app_engine: AsyncEngine | None = None
        self._admin_engine: AsyncEngine | None = None

    @property
    def app_engine(self) -> AsyncEngine:
        """The runtime login role: tenant rights only inside a tenant session."""
        if self._app_engine is None:
            self._app_engine = create_app_engine(self.settings)
        return self._app_engine

    @property
    def admin_engine(self) -> AsyncEngine:
        """The owner role, for provisioning and migrations only."""
        if self._admin_engine is None:
            self._admin_engine = create_admin_engine(self.settings, pool_size=2)
        return self._admin_engine

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the worker's event loop and wait for it (from a worker thread)."""
        thread = get_event_loop_thread()
        if thread is None:
            coro.close()
            msg = "geen event loop: de AsyncIO-middleware ontbreekt of de worker draait niet"
            raise RuntimeError(msg)
        return thread.run_coroutine(coro)

    async def dispose(self) -> None:
        for engine in (self._app_engine, self._admin_engine):
            if engine is not None:
                await engine.dispose()
        self._app_engine = self._admin_engine = None


_current: Runtime | None = None


def configure(settings: Settings, broker: Broker) -> Runtime:
    global _current
    _current = Runtime(settings, broker)
    return _current


def current() -> Runtime:
    if _current is None:
        msg = "casushub.workers.broker.configure(settings) is nog niet aangeroepen"
        raise RuntimeError(msg)
    return _current
