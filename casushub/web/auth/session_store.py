"""Server-side sessions in PostgreSQL, with the session id rotated at sign-in.

Litestar's server-side session keeps the id from the cookie for as long as the cookie lives;
it has no notion of rotating it. ``rotate_session_id`` marks the request, and the backend below
then issues a fresh id and deletes the old entry, so an id planted before sign-in (session
fixation) is worthless after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty
from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from casushub.platform.identity.models import WebSessionData
from casushub.web.errors import database_unreachable

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.datastructures import State
    from litestar.types import Message, ScopeSession
    from sqlalchemy.ext.asyncio import AsyncEngine

_log = logging.getLogger(__name__)

__all__ = ["PostgresStore", "RotatingSessionConfig", "rotate_session_id"]

_ROTATE = "casushub.rotate_session"
_NEW_ID = "casushub.new_session_id"
_LOADED = "casushub.session_as_loaded"


def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.scope["state"][_ROTATE] = True


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# Built once: read on every request.
_READ = select(WebSessionData.value).where(
    WebSessionData.key == bindparam("key"),
    or_(WebSessionData.expires_at.is_(None), WebSessionData.expires_at > func.now()),
)


class PostgresStore(Store):
    """A Litestar store on ``platform.web_sessions`` (engine taken from app state lazily)."""

    def __init__(self, state: State) -> None:
        self._state = state

    @property
    def _engine(self) -> AsyncEngine:
        engine: AsyncEngine = self._state.engine
        return engine

    @staticmethod
    def _deadline(expires_in: int | timedelta | None) -> datetime | None:
        seconds = _seconds(expires_in)
        return None if seconds is None else datetime.now(UTC) + timedelta(seconds=seconds)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = self._deadline(expires_in)
        stmt = insert(WebSessionData).values(key=key, value=data, expires_at=expires_at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[WebSessionData.key],
            set_={"value": stmt.excluded.value, "expires_at": stmt.excluded.expires_at},
        )
        async with self._engine.begin() as conn:
            await conn.execute(stmt)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async with self._engine.begin() as conn:
            value = (await conn.execute(_READ, {"key": key})).scalar()
            if value is not None and renew_for is not None:
                await conn.execute(
                    update(WebSessionData)
                    .where(WebSessionData.key == key)
                    .values(expires_at=self._deadline(renew_for))
                )
        return value

    async def delete(self, key: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(WebSessionData).where(WebSessionData.key == key))

    async def delete_all(self) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(WebSessionData))

    async def delete_expired(self) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(WebSessionData).where(WebSessionData.expires_at <= func.now())
            )
        return int(result.rowcount)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        async with self._engine.connect() as conn:
            expires_at = (
                await conn.execute(
                    select(WebSessionData.expires_at).where(WebSessionData.key == key)
                )
            ).scalar()
        if expires_at is None:
            return None
        return int((expires_at - datetime.now(UTC)).total_seconds())


class RotatingSessionBackend(ServerSideSessionBackend):
    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        if session_id := connection.cookies.get(self.config.key):
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)
            if data is not None:
                # Kept to see, when the response starts, whether the session changed at all.
                connection.scope["state"][_LOADED] = data
                return self.deserialize_data(data)
        return {}

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope["state"]
        if state.get(_ROTATE):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            new_id: str = state[_NEW_ID]
            return new_id
        return super().get_session_id(connection)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        incoming = connection.cookies.get(self.config.key)
        has_cookie = bool(incoming) and incoming != "null"
        if not scope_session and scope_session is not Empty and not has_cookie:
            # An anonymous visitor with nothing to keep: no row, no cookie. Otherwise every
            # visit to a public page would write a session (and fail during a database
            # outage instead of showing the page).
            return
        state = connection.scope["state"]
        if (
            scope_session is not Empty
            and not state.get(_ROTATE)
            and state.get(_LOADED) == self.serialize_data(scope_session, connection.scope)
        ):
            # Unchanged: no write, no new cookie (a write per page view). The row
            # and the cookie keep the lifetime set when the session last changed, which is
            # at sign-in at the latest: the absolute timeout; idle time is kept on the
            # identity session (casushub.platform.identity.sessions), not here.
            return
        try:
            if state.get(_ROTATE) and has_cookie and incoming is not None:
                await self.delete(
                    incoming, store=self.config.get_store_from_app(connection.scope["app"])
                )
            await super().store_in_message(scope_session, message, connection)
        except (DBAPIError, OSError) as exc:
            if not database_unreachable(exc):
                raise
            # The session is written as the response starts, after the request's own work
            # committed: failing here would turn a completed request into a 500. The change to
            # the session is lost instead, and the next request sees the one before it or none,
            # which can only sign someone out, never in.
            _log.warning("sessie niet opgeslagen: database niet bereikbaar")


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
