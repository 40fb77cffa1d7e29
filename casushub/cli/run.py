"""How a command runs: with an owner engine that is disposed of afterwards, failing with one
Dutch line instead of a traceback, and recording a scheduled job's success for the metrics.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


T = TypeVar("T")


def run(fn: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run ``fn`` with an owner engine and dispose of it afterwards."""
    from casushub.platform.database import create_admin_engine

    async def wrapper() -> T:
        engine = create_admin_engine(get_settings())
        try:
            return await fn(engine)
        finally:
            await engine.dispose()

    return asyncio.run(wrapper())


def run_in_transaction(fn: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run ``fn`` in one transaction on an owner connection; committed when it returns."""
    from casushub.platform.database import create_admin_engine

    async def wrapper() -> T:
        engine = create_admin_engine(get_settings())
        try:
            async with engine.begin() as conn:
                return await fn(conn)
        finally:
            await engine.dispose()

    return asyncio.run(wrapper())


def fail(message: str) -> NoReturn:
    click.echo(f"Fout: {message}", err=True)
    sys.exit(1)


def record_periodic_success(kind: str) -> None:
    """What the metrics report as this job's last success (the scheduled CronJobs)."""
    from casushub.platform.database import create_app_engine
    from casushub.workers.heartbeat import record_success

    async def record() -> None:
        engine = create_app_engine(get_settings())
        try:
            await record_success(engine, kind)
        finally:
            await engine.dispose()

    asyncio.run(record())
