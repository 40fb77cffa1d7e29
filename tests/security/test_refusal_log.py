"""A refused request for another municipality's object is in the access log, with who, what
and which id: in the municipality's verwerkingenlog for a person working in a tenant, in the
platform audit log for hub staff and API tokens (casushub.web.weigeringslog). The matrix in
test_cross_tenant.py checks that every refusal is logged; this file checks what an entry says.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from secroutes import use_session
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.identity.roles import Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.web.app import session_config


async def test_tenant_refusal_in_the_verwerkingenlog(
    app: Litestar, settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    a, b = world.sides["A"], world.sides["B"]
    other_casus = b.ids["casus"][0]
    request_id = uuid.uuid4().hex
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        signed = await world.sign_in(a, Role.GEMEENTE_REGIE)
        use_session(client, signed.cookie)
        response = await client.get(
            f"/casusoverleg/casussen/{other_casus}", headers={"X-Request-ID": request_id}
        )
    assert response.status_code == 404
    async with tenant_session(app_engine, a.tenant, settings) as s, s.begin():
        entry = (
            await s.scalars(select(Verwerking).where(Verwerking.request_id == request_id))
        ).one()
    assert (entry.user_id, entry.rol, entry.actie, entry.doel) == (
        signed.user_id,
        "gemeente_regie",
        "read",
        "toegang geweigerd",
    )
    assert entry.detail == (
        f"geweigerd: 404 GET /casusoverleg/casussen/{{casus_id}} casus_id={other_casus}"
    )
    # Nothing about it in the other municipality's log: A's attempt is A's business.
    async with tenant_session(app_engine, b.tenant, settings) as s, s.begin():
        assert not list(
            await s.scalars(select(Verwerking.id).where(Verwerking.request_id == request_id))
        )


async def test_hub_and_api_refusals_in_the_audit_log(
    app: Litestar, settings: Settings, world: Any
) -> None:
    a, b = world.sides["A"], world.sides["B"]
    other_tenant = b.tenant.id
    hub_request, api_request = uuid.uuid4().hex, uuid.uuid4().hex
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        signed = await world.sign_in(a, Role.HUB_ADMIN)
        use_session(client, signed.cookie)
        hub = await client.get(
            f"/hub/gemeenten/{other_tenant}", headers={"X-Request-ID": hub_request}
        )
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        api = await client.get(
            f"/api/v1/tenants/{other_tenant}",
            headers={"X-Request-ID": api_request, "Authorization": f"Bearer {a.api_token}"},
        )
    assert hub.status_code in {403, 404}
    assert api.status_code == 404
    async with world.admin_engine.connect() as conn:
        rows = {
            r.request_id: r
            for r in await conn.execute(
                select(AdminAuditEntry).where(
                    AdminAuditEntry.request_id.in_([hub_request, api_request])
                )
            )
        }
    assert rows[hub_request].action == "toegang_geweigerd"
    assert rows[hub_request].actor_user_id == signed.user_id
    assert str(other_tenant) in rows[hub_request].target
    assert rows[api_request].actor_user_id is None
    assert rows[api_request].details == {"status": 404, "api_hub_id": str(a.hub_id)}
    assert rows[api_request].target == (
        f"404 GET /api/v1/tenants/{{tenant_id}} tenant_id={other_tenant}"
    )


async def test_a_forbidden_read_is_logged_with_its_reason(
    app: Litestar, settings: Settings, app_engine: AsyncEngine, world: Any
) -> None:
    """Within its own municipality, a participant without need to know is refused (403): the
    entry says why, so the FG can tell a stale link from a search for a file."""
    a = world.sides["A"]
    casus = a.ids["casus"][0]
    request_id = uuid.uuid4().hex
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        use_session(client, (await world.sign_in(a, Role.PARTICIPANT)).cookie)
        response = await client.get(
            f"/casusoverleg/casussen/{casus}", headers={"X-Request-ID": request_id}
        )
    assert response.status_code == 403
    async with tenant_session(app_engine, a.tenant, settings) as s, s.begin():
        entry = (
            await s.scalars(select(Verwerking).where(Verwerking.request_id == request_id))
        ).one()
    prefix = f"geweigerd: 403 GET /casusoverleg/casussen/{{casus_id}} casus_id={casus}: "
    assert entry.detail is not None
    assert entry.detail.startswith(prefix), entry.detail
    assert len(entry.detail) > len(prefix)
