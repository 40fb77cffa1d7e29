"""Sliding-window rate limits shared by every web process, kept in PostgreSQL.

Counted per keyed hash of the client address or account: the table never holds an address or
an e-mail address in the clear. Kept in the database rather than in process memory so that a
limit means the same with one web process or ten, and survives a restart of one of them. The
table is UNLOGGED: a crash of the database server forgets the counts, which costs nothing but a
fresh window, and the writes skip the WAL.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Index, String, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase

__all__ = ["Limiet", "RateLimitPoging", "purge_pogingen"]

# The longest window in use (the contactpunt's per-e-mail day); older attempts count nowhere.
LANGSTE_VENSTER = timedelta(days=1)


class RateLimitPoging(PlatformBase):
    """One counted attempt: which limit, whose keyed hash, when."""

    __tablename__ = "rate_limit_pogingen"
    __table_args__ = (Index("ix_rate_limit_pogingen_naam_sleutel", "naam", "sleutel", "tijdstip"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    naam: Mapped[str] = mapped_column(String(40))
    sleutel: Mapped[str] = mapped_column(String(64))
    tijdstip: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Limiet:
    """At most ``aantal`` counted attempts per key in any ``venster`` seconds."""

    def __init__(self, naam: str, secret: str, aantal: int, venster: float) -> None:
        self.naam = naam
        self._secret = secret.encode()
        self._aantal = aantal
        self.venster = timedelta(seconds=venster)

    def sleutel(self, value: str) -> str:
        return hmac.new(self._secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()

    async def vol(self, conn: AsyncConnection, value: str, *, nu: datetime | None = None) -> bool:
        """True when ``value`` used up its attempts in the window (without counting one)."""
        moment = nu or datetime.now(UTC)
        count = await conn.scalar(
            select(func.count())
            .select_from(RateLimitPoging)
            .where(
                RateLimitPoging.naam == self.naam,
                RateLimitPoging.sleutel == self.sleutel(value),
                RateLimitPoging.tijdstip > moment - self.venster,
            )
        )
        return int(count or 0) >= self._aantal

    async def tel(self, conn: AsyncConnection, value: str, *, nu: datetime | None = None) -> None:
        """Count one attempt, and forget this key's attempts that left the window."""
        moment = nu or datetime.now(UTC)
        sleutel = self.sleutel(value)
        await conn.execute(
            insert(RateLimitPoging).values(naam=self.naam, sleutel=sleutel, tijdstip=moment)
        )
        await conn.execute(
            delete(RateLimitPoging).where(
                RateLimitPoging.naam == self.naam,
                RateLimitPoging.sleutel == sleutel,
                RateLimitPoging.tijdstip <= moment - self.venster,
            )
        )


async def purge_pogingen(conn: AsyncConnection, *, nu: datetime | None = None) -> int:
    """Remove attempts older than any window (keys that were never seen again)."""
    moment = nu or datetime.now(UTC)
    result = await conn.execute(
        delete(RateLimitPoging).where(RateLimitPoging.tijdstip <= moment - LANGSTE_VENSTER)
    )
    return int(result.rowcount)
