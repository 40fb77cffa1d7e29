"""Dependencies that give a handler a session for the **active** tenant.

The active tenant comes only from the server-side session (the context the user picked from
their own memberships), never from a URL or form field. An object id from another tenant
therefore simply does not exist in this tenant's schema: 404, same as any unknown id.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.access import (
    AccessDenied,
    Identity,
    InstructionsNotAccepted,
    check_case_data_access,
    check_tenant_access,
)
from casushub.platform.models import Tenant
from casushub.platform.registry import TenantUnavailable, servable
from casushub.platform.tenancy import TenantRef, tenant_session

# Litestar reads handler and dependency signatures at runtime: these imports stay real.

__all__ = ["ACTIVE_TENANT_KEY", "provide_tenant", "provide_tenant_db"]

ACTIVE_TENANT_KEY = "active_tenant_id"
# Built once: every tenant request reads it (issue 11).
_TENANT = select(Tenant).where(Tenant.id == bindparam("tenant_id"))


async def provide_tenant(request: Request[object, object, State], state: State) -> TenantRef:
    raw = request.session.get(ACTIVE_TENANT_KEY) if request.session else None
    if not raw:
        raise NotAuthorizedException
    tenant_id = uuid.UUID(str(raw))
    # The session names the tenant, but only a live membership of the signed-in user for it
    # opens it (and later, per casus, need-to-know): see casushub.platform.identity.access.
    user = request.scope.get("user")
    identity = user if isinstance(user, Identity) else None
    try:
        check_tenant_access(identity, tenant_id)
    except AccessDenied as exc:
        raise PermissionDeniedException(detail=exc.message, extra={"dutch": True}) from exc
    async with state.engine.connect() as conn:
        # One read of the registry row for both checks below.
        row = (await conn.execute(_TENANT, {"tenant_id": tenant_id})).first()
        if row is None:
            raise TenantUnavailable(str(tenant_id), "onbekend")
        # Raises TenantUnavailable (503) when suspended or not at head: never a wrong schema.
        tenant = servable(row)
        # Hub staff only under a running processor agreement; the current instructions
        # accepted (InstructionsNotAccepted redirects to the page to read and accept them).
        try:
            assert identity is not None  # noqa: S101 - check_tenant_access refused None
            await check_case_data_access(conn, identity, row)
        except InstructionsNotAccepted:
            raise
        except AccessDenied as exc:
            raise PermissionDeniedException(detail=exc.message, extra={"dutch": True}) from exc
        return tenant


async def provide_tenant_db(
    tenant: NamedDependency[TenantRef], state: State
) -> AsyncGenerator[AsyncSession, None]:
    async with tenant_session(state.engine, tenant, state.settings) as session:
        yield session
