"""The daily purge ends sessions nobody came back to and drops their tokens and cookies' rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import IdentitySession, WebSessionData
from casushub.platform.identity.sessions import SessionPurge, purge_expired_sessions
from casushub.platform.settings import Settings
from casushub.web.auth.testing import create_signed_in_session


async def test_purge_ends_forgotten_sessions_and_keeps_live_ones(
    app_engine: AsyncEngine, admin_engine: AsyncEngine, settings: Settings
) -> None:
    live = await create_signed_in_session(admin_engine, settings, role=None)
    idle = await create_signed_in_session(admin_engine, settings, role=None)
    past = await create_signed_in_session(admin_engine, settings, role=None)
    now = datetime.now(UTC)
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(IdentitySession)
            .where(IdentitySession.id.in_([live.session_id, idle.session_id, past.session_id]))
            .values(id_token="eyJ.naam-en-email.sig")
        )
        await conn.execute(
            update(IdentitySession)
            .where(IdentitySession.id == idle.session_id)
            .values(last_seen_at=now - timedelta(minutes=settings.session_idle_minutes + 1))
        )
        await conn.execute(
            update(IdentitySession)
            .where(IdentitySession.id == past.session_id)
            .values(expires_at=now - timedelta(seconds=1))
        )
        await conn.execute(
            update(WebSessionData)
            .where(WebSessionData.key == past.cookie)
            .values(expires_at=now - timedelta(seconds=1))
        )

    # The worker's own (least-privileged) platform role must be allowed to do this.
    purge = await _purge(app_engine, settings)

    assert purge.ended >= 2
    assert purge.web_sessions_removed >= 1
    async with admin_engine.connect() as conn:
        rows = {
            row.id: row
            for row in await conn.execute(
                select(
                    IdentitySession.id,
                    IdentitySession.ended_at,
                    IdentitySession.end_reason,
                    IdentitySession.id_token,
                ).where(IdentitySession.id.in_([live.session_id, idle.session_id, past.session_id]))
            )
        }
        cookies = set(
            await conn.scalars(
                select(WebSessionData.key).where(
                    WebSessionData.key.in_([live.cookie, idle.cookie, past.cookie])
                )
            )
        )
    assert rows[live.session_id].ended_at is None
    assert rows[live.session_id].id_token == "eyJ.naam-en-email.sig"
    assert rows[idle.session_id].end_reason == "idle_timeout"
    assert rows[past.session_id].end_reason == "absolute_timeout"
    assert rows[idle.session_id].id_token == rows[past.session_id].id_token == ""
    assert cookies == {live.cookie, idle.cookie}

    again = await _purge(app_engine, settings)
    assert again.ended == 0
    assert again.web_sessions_removed == 0


async def _purge(engine: AsyncEngine, settings: Settings) -> SessionPurge:
    async with engine.begin() as conn:
        return await purge_expired_sessions(conn, settings)
