"""Who is signed in: the server-side session → a live ``Identity`` in ``scope["user"]``.

Runs inside the session middleware on every request. The session row is re-checked each time
(idle and absolute timeout, revoked, user or organisation switched off), so an ended session
stops working on the very next request, and the active context is re-read from the memberships.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from litestar.types import Empty

from casushub.platform.identity.access import Identity
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.memberships import memberships_of
from casushub.platform.identity.sessions import check_session, touch_session
from casushub.web.tenancy import ACTIVE_TENANT_KEY

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send
    from sqlalchemy.ext.asyncio import AsyncConnection

    from casushub.platform.settings import Settings

__all__ = [
    "ACTIVE_CONTEXT_KEY",
    "SESSION_ENDED_STATE",
    "SESSION_ID_KEY",
    "ContextLookup",
    "identity_middleware",
]

SESSION_ID_KEY = "identity_session_id"
ACTIVE_CONTEXT_KEY = "active_membership_id"
SESSION_ENDED_STATE = "casushub.session_ended"
# Reading the session status must not count as activity, or a polling page never idles out.
_PASSIVE = {("GET", "/auth/session")}
_SKIP_PREFIXES = ("/static/", "/healthz", "/readyz")


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


# Reads more per-request context on the identity's own connection (one checkout fewer per
# request): called with the connection, the scope and the live identity.
ContextLookup = Callable[["AsyncConnection", "Scope", Identity], Awaitable[None]]


async def _load(
    scope: Scope, settings: Settings, session: dict[str, Any], lookups: Sequence[ContextLookup]
) -> tuple[Identity | None, str | None]:
    try:
        session_id = uuid.UUID(str(session[SESSION_ID_KEY]))
    except ValueError:
        return None, "onleesbaar"
    engine = scope["app"].state.engine
    async with engine.begin() as conn:
        check = await check_session(conn, settings, session_id)
        if not check.live or check.session is None or check.idle_deadline is None:
            if check.session is not None and check.session.ended_at is None:
                await record(
                    conn,
                    AuditAction.SESSION_ENDED,
                    actor_user_id=check.session.user_id,
                    organisation_id=check.session.organisation_id,
                    details={"sessie": str(session_id), "reden": check.ended_reason},
                    ip=_client_ip(scope),
                )
            return None, check.ended_reason
        live = check.session
        idle_deadline = check.idle_deadline
        if (scope.get("method"), scope["path"]) not in _PASSIVE:
            seen = await touch_session(conn, live)
            idle_deadline = seen + timedelta(minutes=settings.session_idle_minutes)
        memberships = tuple(await memberships_of(conn, live.user_id))
        identity = Identity(
            user_id=live.user_id,
            name=check.naam,
            email=check.email,
            organisation_id=live.organisation_id,
            organisation_name=check.organisatienaam,
            session_id=live.id,
            memberships=memberships,
            active=_active_context(session, memberships),
            idle_deadline=idle_deadline,
            absolute_deadline=live.expires_at,
        )
        for lookup in lookups:
            await lookup(conn, scope, identity)
    return identity, None


def _active_context(session: dict[str, Any], memberships: tuple[Any, ...]) -> Any:
    """The chosen membership if it still exists; a single membership is chosen for you."""
    chosen = session.get(ACTIVE_CONTEXT_KEY)
    active = next((m for m in memberships if str(m.id) == chosen), None)
    if active is None and len(memberships) == 1:
        active = memberships[0]
    # The tenant gate (casushub.web.tenancy) reads the tenant from the session: keep it in
    # step with the context, and drop it when the context has no tenant or is gone.
    if active is not None:
        session[ACTIVE_CONTEXT_KEY] = str(active.id)
    else:
        session.pop(ACTIVE_CONTEXT_KEY, None)
    if active is not None and active.tenant_id is not None:
        session[ACTIVE_TENANT_KEY] = str(active.tenant_id)
    else:
        session.pop(ACTIVE_TENANT_KEY, None)
    return active


def identity_middleware(
    settings: Settings, *, lookups: Sequence[ContextLookup] = ()
) -> Callable[[ASGIApp], ASGIApp]:
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            scope["user"] = None
            session = scope.get("session")
            if isinstance(session, dict) and SESSION_ID_KEY not in session:
                # No one is signed in: no tenant either, whatever else the session holds.
                session.pop(ACTIVE_TENANT_KEY, None)
            if (
                not scope["path"].startswith(_SKIP_PREFIXES)
                and isinstance(session, dict)
                and SESSION_ID_KEY in session
            ):
                identity, ended = await _load(scope, settings, session, lookups)
                scope["user"] = identity
                if identity is None:
                    # Drop the whole server-side session (and with it any active tenant).
                    scope["session"] = Empty
                    scope["state"][SESSION_ENDED_STATE] = ended or "beeindigd"
            await app(scope, receive, send)

        return middleware

    return factory
