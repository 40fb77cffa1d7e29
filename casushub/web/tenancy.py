"""Dependencies that give a handler a session for the **active** tenant.

The active tenant comes only from the server-side session (the context the user picked from
their own memberships), never from a URL or form field. An object id from another tenant
therefore simply does not exist in this tenant's schema: 404, same as any unknown id.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from casushub.platform.identity.access import (
    Identity,
    check_case_data_access,
    check_tenant_access,
    tenant_gate,
)
from casushub.platform.registry import TenantUnavailable, servable
from casushub.platform.tenancy import TenantRef, tenant_session

# Litestar reads handler and dependency signatures at runtime: the imports above stay real.
# Only the lookup below, which Litestar does not inspect, takes a type from this block.
if TYPE_CHECKING:
    from litestar.types import Scope

__all__ = ["ACTIVE_TENANT_KEY", "laad_tenantpoort", "provide_tenant", "provide_tenant_db"]

ACTIVE_TENANT_KEY = "active_tenant_id"
TENANT_GATE_STATE = "casushub.tenantpoort"


async def provide_tenant(request: Request[object, object, State], state: State) -> TenantRef:
    raw = request.session.get(ACTIVE_TENANT_KEY) if request.session else None
    if not raw:
        raise NotAuthorizedException
    tenant_id = uuid.UUID(str(raw))
    # The session names the tenant, but only a live membership of the signed-in user for it
    # opens it (and later, per casus, need-to-know): see casushub.platform.identity.access.
    user = request.scope.get("user")
    identity = user if isinstance(user, Identity) else None
    # A refusal (AccessDenied) is answered 403 by casushub.web.errors.
    check_tenant_access(identity, tenant_id)
    assert identity is not None  # noqa: S101 - check_tenant_access refused None
    # One read of the registry row and the gate's facts, mostly done already on the identity's
    # connection (laad_tenantpoort).
    gate = request.scope["state"].get(TENANT_GATE_STATE)
    if gate is None or gate[0] != tenant_id:
        async with state.engine.connect() as conn:
            gate = (tenant_id, await tenant_gate(conn, identity, tenant_id))
    row = gate[1]
    if row is None:
        raise TenantUnavailable(str(tenant_id), "onbekend")
    # Raises TenantUnavailable (503) when suspended or not at head: never a wrong schema.
    tenant = servable(row)
    # Hub staff only under a running processor agreement; the current instructions
    # accepted (InstructionsNotAccepted redirects to the page to read and accept them).
    check_case_data_access(identity, row)
    return tenant


async def laad_tenantpoort(conn: AsyncConnection, scope: Scope, identity: Identity) -> None:
    """Reads the gate of the active tenant (``tenant_gate``) for :func:`provide_tenant`.

    A lookup of the identity middleware, on its connection and in its transaction: one
    checkout and transaction fewer per tenant request. Nothing is decided here;
    ``provide_tenant`` checks the membership first, as before, and reads the gate itself when
    this did not (another tenant, or no identity middleware in front of it).
    """
    active = identity.active
    if active is not None and active.tenant_id is not None:
        gate = await tenant_gate(conn, identity, active.tenant_id)
        scope["state"][TENANT_GATE_STATE] = (active.tenant_id, gate)


async def provide_tenant_db(
    tenant: NamedDependency[TenantRef], state: State
) -> AsyncGenerator[AsyncSession, None]:
    async with tenant_session(state.engine, tenant, state.settings) as session:
        yield session
