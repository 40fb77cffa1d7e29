"""Admins list and revoke a user's sessions (``/beheer``)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.identity.access import Identity
from casushub.platform.identity.audit import AuditAction, record
from casushub.platform.identity.models import IdentitySession, Organisation, User
from casushub.platform.identity.roles import Role
from casushub.platform.identity.sessions import end_session, list_sessions
from casushub.web.auth.guards import current_identity, roles

__all__ = ["SessionAdminController"]

AnyRequest = Request[Any, Any, State]
ADMIN_ROLES = roles(Role.HUB_ADMIN, Role.PLATFORM_OPERATOR)


async def _user_in_scope(conn: AsyncConnection, admin: Identity, user_id: uuid.UUID) -> Any:
    """The user, if this admin may manage them: a hub admin only within their own hub."""
    row = (
        await conn.execute(
            select(User.id, User.name, User.email, Organisation.hub_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id)
        )
    ).first()
    if row is None or admin.active is None:
        raise NotFoundException
    if admin.active.role == Role.HUB_ADMIN and row.hub_id != admin.active.hub_id:
        raise NotFoundException
    return row


class SessionAdminController(Controller):
    path = "/beheer"
    opt = ADMIN_ROLES

    @get("/gebruikers/{user_id:uuid}/sessies")
    async def sessions(
        self, request: AnyRequest, state: State, user_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = current_identity(request)
        assert admin is not None  # noqa: S101 - the route guard admits signed-in admins only
        async with state.engine.connect() as conn:
            user = await _user_in_scope(conn, admin, user_id)
            sessions = await list_sessions(conn, user_id)
        return Template("auth/sessies.html", context={"user": user, "sessions": sessions})

    @post("/sessies/{session_id:uuid}/intrekken", status_code=HTTP_303_SEE_OTHER)
    async def revoke(
        self, request: AnyRequest, state: State, session_id: FromPath[uuid.UUID]
    ) -> Redirect:
        admin = current_identity(request)
        assert admin is not None  # noqa: S101 - the route guard admits signed-in admins only
        async with state.engine.begin() as conn:
            owner = (
                await conn.execute(
                    select(IdentitySession.user_id, IdentitySession.organisation_id).where(
                        IdentitySession.id == session_id
                    )
                )
            ).first()
            if owner is None:
                raise NotFoundException
            await _user_in_scope(conn, admin, owner.user_id)
            if await end_session(conn, session_id, "ingetrokken"):
                await record(
                    conn,
                    AuditAction.SESSION_REVOKED,
                    actor_user_id=admin.user_id,
                    organisation_id=owner.organisation_id,
                    target=str(session_id),
                    details={"gebruiker": str(owner.user_id)},
                    ip=request.client.host if request.client else "",
                )
        return Redirect(
            f"/beheer/gebruikers/{owner.user_id}/sessies", status_code=HTTP_303_SEE_OTHER
        )
