"""The tenant gate: read once per request, on the identity's connection (issue 11)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.access import Identity
from casushub.platform.identity.memberships import memberships_of
from casushub.platform.registry import TenantUnavailable
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.testing import create_signed_in_session
from casushub.web.tenancy import ACTIVE_TENANT_KEY, TENANT_GATE_STATE, provide_tenant


async def test_one_gate_read_per_tenant_request(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    sign_in_as: Callable[..., Awaitable[Any]],
    tenant_a: TenantRef,
) -> None:
    await sign_in_as(client, tenant_a)
    assert (await client.get("/casusoverleg")).status_code == 200
    gates: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "instructies_geaccepteerd" in statement:
            gates.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert (await client.get("/casusoverleg")).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(gates) == 1


async def _identity(engine: AsyncEngine, user_id: Any, organisation_id: Any) -> Identity:
    async with engine.connect() as conn:
        memberships = tuple(await memberships_of(conn, user_id))
    now = datetime.now(UTC)
    return Identity(
        user_id=user_id,
        name="Test",
        email="test@example.test",
        organisation_id=organisation_id,
        organisation_name="Test",
        session_id=user_id,
        memberships=memberships,
        active=memberships[0],
        idle_deadline=now,
        absolute_deadline=now,
    )


async def test_without_the_lookup_provide_tenant_reads_the_gate_itself(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    signed_in = await create_signed_in_session(admin_engine, settings, tenant_id=tenant_a.id)
    identity = await _identity(admin_engine, signed_in.user_id, signed_in.organisation_id)
    request = SimpleNamespace(
        session={ACTIVE_TENANT_KEY: str(tenant_a.id)},
        scope={"user": identity, "state": {}},
    )
    # Stand-ins with only what provide_tenant reads, not a Request and a State (the ignores).
    state = SimpleNamespace(engine=app_engine)
    assert await provide_tenant(request, state) == tenant_a  # type: ignore[arg-type]

    # A gate read for another tenant (it cannot happen through the middleware) is not used.
    request.scope["state"][TENANT_GATE_STATE] = (signed_in.user_id, None)
    assert await provide_tenant(request, state) == tenant_a  # type: ignore[arg-type]

    # The gate read decides: no registry row, no tenant.
    request.scope["state"][TENANT_GATE_STATE] = (tenant_a.id, None)
    with pytest.raises(TenantUnavailable):
        await provide_tenant(request, state)  # type: ignore[arg-type]
