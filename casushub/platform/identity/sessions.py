"""Signed-in sessions: idle and absolute timeouts, revocation, ending by user or organisation.

The browser's cookie points at Litestar's server-side session (``web_sessions``); that holds the
id of one row here. Every request re-checks the row, so revoking it, deactivating the user or the
organisation, or letting it idle out takes effect on the very next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from casushub.platform.identity.models import (
    IdentitySession,
    Organisation,
    User,
    WebSessionData,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.settings import Settings

__all__ = [
    "SessionCheck",
    "SessionPurge",
    "SessionRow",
    "check_session",
    "create_session",
    "end_for_logout",
    "end_session",
    "end_sessions",
    "list_sessions",
    "purge_expired_sessions",
    "touch_session",
]

# Activity is written at most this often: the idle deadline may then be this much early,
# which errs on the safe side, and a page with many htmx requests costs one UPDATE.
TOUCH_INTERVAL = timedelta(seconds=30)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SessionRow:
    id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID
    provider_id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    ip: str
    user_agent: str


@dataclass(frozen=True)
class SessionCheck:
    """A live session with its deadlines, or the reason it is not live."""

    session: SessionRow | None
    ended_reason: str | None
    idle_deadline: datetime | None = None
    naam: str = ""
    email: str = ""
    organisatienaam: str = ""
    """Who the session belongs to, read with it (the header shows them on every page)."""

    @property
    def live(self) -> bool:
        return self.session is not None and self.ended_reason is None


async def create_session(
    conn: AsyncConnection,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    organisation_id: uuid.UUID,
    provider_id: uuid.UUID,
    id_token: str,
    ip: str,
    user_agent: str,
) -> uuid.UUID:
    now = utcnow()
    result = await conn.execute(
        insert(IdentitySession)
        .values(
            user_id=user_id,
            organisation_id=organisation_id,
            provider_id=provider_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
            ip=ip[:64],
            user_agent=user_agent[:300],
            id_token=id_token,
        )
        .returning(IdentitySession.id)
    )
    return result.scalar_one()


_COLUMNS = (
    IdentitySession.id,
    IdentitySession.user_id,
    IdentitySession.organisation_id,
    IdentitySession.provider_id,
    IdentitySession.created_at,
    IdentitySession.last_seen_at,
    IdentitySession.expires_at,
    IdentitySession.ended_at,
    IdentitySession.end_reason,
    IdentitySession.ip,
    IdentitySession.user_agent,
)


def _row(row: Any) -> SessionRow:
    return SessionRow(**{column.key: getattr(row, column.key) for column in _COLUMNS})


# Built once: this runs on every request, and building the statement (and its cache key)
# again each time cost more than sending it.
_CHECK = (
    select(
        *_COLUMNS,
        User.active,
        Organisation.active.label("org_active"),
        User.name,
        User.email,
        Organisation.name.label("organisation_name"),
    )
    .join(User, User.id == IdentitySession.user_id)
    .join(Organisation, Organisation.id == IdentitySession.organisation_id)
    .where(IdentitySession.id == bindparam("session_id"))
)


async def check_session(
    conn: AsyncConnection, settings: Settings, session_id: uuid.UUID
) -> SessionCheck:
    """Is this session live now? Ends it (with the reason) when a limit was passed."""
    row = (await conn.execute(_CHECK, {"session_id": session_id})).first()
    if row is None:
        return SessionCheck(None, "onbekend")
    session = _row(row)
    if session.ended_at is not None:
        return SessionCheck(session, session.end_reason or "beeindigd")
    now = utcnow()
    idle_deadline = session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    reason = None
    if not row.active:
        reason = "gebruiker_uit"
    elif not row.org_active:
        reason = "organisatie_uit"
    elif now >= session.expires_at:
        reason = "absolute_timeout"
    elif now >= idle_deadline:
        reason = "idle_timeout"
    if reason is not None:
        await end_session(conn, session.id, reason)
        return SessionCheck(session, reason)
    return SessionCheck(
        session, None, idle_deadline, row.name, row.email or "", row.organisation_name
    )


async def touch_session(
    conn: AsyncConnection, session: SessionRow, *, force: bool = False
) -> datetime:
    """Record activity; returns the last-seen time that now counts for the idle timeout."""
    now = utcnow()
    if not force and now - session.last_seen_at < TOUCH_INTERVAL:
        return session.last_seen_at
    await conn.execute(
        update(IdentitySession)
        .where(IdentitySession.id == session.id, IdentitySession.ended_at.is_(None))
        .values(last_seen_at=now)
    )
    return now


async def end_session(conn: AsyncConnection, session_id: uuid.UUID, reason: str) -> bool:
    result = await conn.execute(
        update(IdentitySession)
        .where(IdentitySession.id == session_id, IdentitySession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason, id_token="")
    )
    return result.rowcount > 0


async def end_sessions(
    conn: AsyncConnection,
    *,
    reason: str,
    user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> int:
    """End every live session of a user or of an organisation's users."""
    conditions: list[ColumnElement[bool]] = [IdentitySession.ended_at.is_(None)]
    if user_id is not None:
        conditions.append(IdentitySession.user_id == user_id)
    if organisation_id is not None:
        conditions.append(IdentitySession.organisation_id == organisation_id)
    if len(conditions) == 1:
        msg = "user_id of organisation_id is verplicht"
        raise ValueError(msg)
    result = await conn.execute(
        update(IdentitySession)
        .where(and_(*conditions))
        .values(ended_at=utcnow(), end_reason=reason, id_token="")
    )
    return int(result.rowcount)


async def list_sessions(conn: AsyncConnection, user_id: uuid.UUID) -> list[SessionRow]:
    rows = await conn.execute(
        select(*_COLUMNS)
        .where(IdentitySession.user_id == user_id)
        .order_by(IdentitySession.created_at.desc())
        .limit(100)
    )
    return [_row(row) for row in rows]


async def end_for_logout(
    conn: AsyncConnection, session_id: uuid.UUID
) -> tuple[uuid.UUID, str] | None:
    """End a session at the user's request; returns (provider id, ID token) for RP logout."""
    row = (
        await conn.execute(
            select(IdentitySession.provider_id, IdentitySession.id_token).where(
                IdentitySession.id == session_id, IdentitySession.ended_at.is_(None)
            )
        )
    ).first()
    if row is None:
        return None
    await end_session(conn, session_id, "uitgelogd")
    return row.provider_id, row.id_token


@dataclass(frozen=True)
class SessionPurge:
    ended: int
    web_sessions_removed: int


async def purge_expired_sessions(conn: AsyncConnection, settings: Settings) -> SessionPurge:
    """The daily clean-up of sessions nobody came back to.

    A session that idled out or passed its absolute limit is normally ended by the next request
    that presents it; one that is never presented again would keep its ID token (the user's
    name and e-mail address) and its server-side session row forever. Data minimisation
    (AVG art. 5(1)(c)) asks for neither: such sessions are ended with the same reasons as on
    a request, and their ID tokens and expired ``web_sessions`` rows are removed. The session
    rows themselves stay, as the record of who was signed in when.
    """
    now = utcnow()
    idle_since = now - timedelta(minutes=settings.session_idle_minutes)
    ended = 0
    for reason, condition in (
        ("absolute_timeout", IdentitySession.expires_at <= now),
        ("idle_timeout", IdentitySession.last_seen_at <= idle_since),
    ):
        result = await conn.execute(
            update(IdentitySession)
            .where(IdentitySession.ended_at.is_(None), condition)
            .values(ended_at=now, end_reason=reason, id_token="")
        )
        ended += int(result.rowcount)
    removed = await conn.execute(
        delete(WebSessionData).where(
            WebSessionData.expires_at.is_not(None), WebSessionData.expires_at <= func.now()
        )
    )
    # Ended sessions keep no token: ending always clears it, this catches older rows.
    await conn.execute(
        update(IdentitySession)
        .where(IdentitySession.ended_at.is_not(None), IdentitySession.id_token != "")
        .values(id_token="")
    )
    return SessionPurge(ended=ended, web_sessions_removed=int(removed.rowcount))
