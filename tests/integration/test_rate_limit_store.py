"""The rate limiter counts in PostgreSQL: one window per key, shared by every web process."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_app_engine
from casushub.platform.ratelimit import Limiet, RateLimitPoging, purge_pogingen
from casushub.platform.settings import Settings

SECRET = "geheim-voor-de-test-0123456789abcdef"
T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _limiet(aantal: int, venster: float) -> Limiet:
    # A fresh name per test: the table is shared by the whole test database.
    return Limiet(f"test_{secrets.token_hex(4)}", SECRET, aantal, venster)


async def test_sliding_window_per_key(app_engine: AsyncEngine) -> None:
    limiet = _limiet(aantal=2, venster=3600)
    async with app_engine.begin() as conn:
        for seconds in (0, 10):
            moment = T0 + timedelta(seconds=seconds)
            assert not await limiet.vol(conn, "10.0.0.1", nu=moment)
            await limiet.tel(conn, "10.0.0.1", nu=moment)
        later = T0 + timedelta(seconds=20)
        assert await limiet.vol(conn, "10.0.0.1", nu=later)
        assert not await limiet.vol(conn, "10.0.0.2", nu=later)  # another client
        # The first attempt left the window.
        assert not await limiet.vol(conn, "10.0.0.1", nu=T0 + timedelta(seconds=3600.5))


async def test_web_processes_share_the_count(app_engine: AsyncEngine, settings: Settings) -> None:
    """Two engines stand for two web processes: together they get the limit once, not twice."""
    other_process = create_app_engine(settings)
    first, second = _limiet(aantal=3, venster=600), None
    second = Limiet(first.naam, SECRET, 3, 600)
    try:
        for engine, limiet in ((app_engine, first), (other_process, second), (app_engine, first)):
            async with engine.begin() as conn:
                assert not await limiet.vol(conn, "iemand@voorbeeld.nl", nu=T0)
                await limiet.tel(conn, "iemand@voorbeeld.nl", nu=T0)
        async with other_process.connect() as conn:
            assert await second.vol(conn, "iemand@voorbeeld.nl", nu=T0)
    finally:
        await other_process.dispose()


async def test_keys_are_case_insensitive_and_never_stored_in_clear(
    app_engine: AsyncEngine,
) -> None:
    limiet = _limiet(aantal=1, venster=86400)
    async with app_engine.begin() as conn:
        await limiet.tel(conn, "Fatima@Voorbeeld.nl", nu=T0)
        assert await limiet.vol(conn, " fatima@voorbeeld.nl", nu=T0 + timedelta(seconds=1))
        stored = list(
            await conn.scalars(
                select(RateLimitPoging.sleutel).where(RateLimitPoging.naam == limiet.naam)
            )
        )
    assert stored == [limiet.sleutel("fatima@voorbeeld.nl")]
    assert all("fatima" not in key.lower() for key in stored)


async def test_old_attempts_are_purged(app_engine: AsyncEngine) -> None:
    limiet = _limiet(aantal=5, venster=60)
    async with app_engine.begin() as conn:
        await limiet.tel(conn, "10.0.0.9", nu=T0 - timedelta(days=2))
        await limiet.tel(conn, "10.0.0.8", nu=T0)
        removed = await purge_pogingen(conn, nu=T0)
        kept = list(
            await conn.scalars(
                select(RateLimitPoging.sleutel).where(RateLimitPoging.naam == limiet.naam)
            )
        )
    assert removed >= 1
    assert kept == [limiet.sleutel("10.0.0.8")]
