"""Rules of the identity domain: who may grant what, the audit log, secrets at rest, claim
mapping, and that every route declares who may use it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable

import pytest
from cryptography.exceptions import InvalidTag
from idp_browser import OrgFactory, sign_in
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casushub.platform.identity.encryption import SecretBox
from casushub.platform.identity.memberships import (
    Actor,
    GrantRefused,
    grant_membership,
    memberships_of,
)
from casushub.platform.identity.models import AdminAuditEntry, OidcProvider, User
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import Role
from casushub.platform.models import Hub
from casushub.platform.registry import RegistryError
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.guards import ANY_SIGNED_IN
from casushub.web.auth.testing import SignedIn


async def _user(conn: AsyncConnection, organisation_id: uuid.UUID) -> uuid.UUID:
    return (
        await conn.execute(
            insert(User)
            .values(
                organisation_id=organisation_id,
                issuer="https://idp.test",
                subject=secrets.token_hex(8),
            )
            .returning(User.id)
        )
    ).scalar_one()


async def test_hub_admin_cannot_grant_case_access_to_self_or_own_staff(
    admin_engine: AsyncEngine, hub: str, tenant_a: TenantRef
) -> None:
    async with admin_engine.begin() as conn:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()
        suffix = secrets.token_hex(3)
        hub_org = await create_organisation(
            conn,
            slug=f"hub_{suffix}",
            name="Hub",
            type="hub",
            email_domains=[f"hub{suffix}.test"],
            hub_id=hub_id,
        )
        police = await create_organisation(
            conn,
            slug=f"pol_{suffix}",
            name="Politie",
            type="politie",
            email_domains=[f"pol{suffix}.test"],
            hub_id=hub_id,
        )
        admin_id, colleague_id, officer_id = (
            await _user(conn, hub_org),
            await _user(conn, hub_org),
            await _user(conn, police),
        )
        admin = Actor(user_id=admin_id, role=Role.HUB_ADMIN, hub_id=hub_id, ip="10.0.0.1")
        for target, org in ((admin_id, hub_org), (colleague_id, hub_org)):
            with pytest.raises(GrantRefused):
                await grant_membership(
                    conn,
                    user_id=target,
                    organisation_id=org,
                    role=Role.PROCESREGISSEUR,
                    tenant_id=tenant_a.id,
                    actor=admin,
                )
        # A partner's officer may be given a role in a municipality of the hub.
        await grant_membership(
            conn,
            user_id=officer_id,
            organisation_id=police,
            role=Role.PARTICIPANT,
            tenant_id=tenant_a.id,
            actor=admin,
        )
        # Hub-level roles for own staff remain possible.
        await grant_membership(
            conn,
            user_id=colleague_id,
            organisation_id=hub_org,
            role=Role.HUB_ADMIN,
            hub_id=hub_id,
            actor=admin,
        )
        assert [m.role for m in await memberships_of(conn, admin_id)] == []
        assert [m.role for m in await memberships_of(conn, officer_id)] == [Role.PARTICIPANT]
        audit = (
            await conn.execute(
                select(AdminAuditEntry.action, AdminAuditEntry.ip, AdminAuditEntry.details).where(
                    AdminAuditEntry.actor_user_id == admin_id
                )
            )
        ).all()
    actions = sorted(a.action for a in audit)
    assert actions == ["rol_geweigerd", "rol_geweigerd", "rol_toegekend", "rol_toegekend"]
    assert {a.ip for a in audit} == {"10.0.0.1"}


async def test_other_roles_cannot_grant_at_all(
    admin_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    async with admin_engine.begin() as conn:
        suffix = secrets.token_hex(3)
        org = await create_organisation(
            conn, slug=f"g_{suffix}", name="G", type="gemeente", email_domains=[f"g{suffix}.test"]
        )
        regie, other = await _user(conn, org), await _user(conn, org)
        actor = Actor(user_id=regie, role=Role.GEMEENTE_REGIE, hub_id=None)
        with pytest.raises(GrantRefused):
            await grant_membership(
                conn,
                user_id=other,
                organisation_id=org,
                role=Role.GEMEENTE_REGIE,
                tenant_id=tenant_a.id,
                actor=actor,
            )


async def test_admin_audit_log_is_append_only(app_engine: AsyncEngine) -> None:
    async with app_engine.begin() as conn:
        await conn.execute(insert(AdminAuditEntry).values(action="test", details={}))
    for statement in (
        "UPDATE platform.admin_audit SET action = 'x'",
        "DELETE FROM platform.admin_audit",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with app_engine.begin() as conn:
                await conn.execute(text(statement))


async def test_client_secret_is_stored_encrypted_only(
    make_org: OrgFactory, admin_engine: AsyncEngine, rp_settings: Settings
) -> None:
    secret = "zeer-geheim-" + secrets.token_hex(8)
    org = await make_org("a", client_secret=secret)
    async with admin_engine.connect() as conn:
        stored = (
            await conn.execute(
                select(OidcProvider.client_secret_encrypted).where(
                    OidcProvider.organisation_id == org.id
                )
            )
        ).scalar_one()
    assert secret.encode() not in stored
    assert SecretBox.from_settings(rp_settings).decrypt(stored) == secret
    other_key = SecretBox(b"\x01" * 32)
    with pytest.raises(InvalidTag):
        other_key.decrypt(stored)


async def test_one_domain_picks_one_organisation(admin_engine: AsyncEngine) -> None:
    suffix = secrets.token_hex(3)
    async with admin_engine.begin() as conn:
        await create_organisation(
            conn, slug=f"d1_{suffix}", name="Een", type="om", email_domains=[f"d{suffix}.test"]
        )
        with pytest.raises(RegistryError):
            await create_organisation(
                conn,
                slug=f"d2_{suffix}",
                name="Twee",
                type="om",
                email_domains=[f"D{suffix}.test"],
            )


async def test_claim_mapping_assigns_a_role_at_sign_in(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    mapping = {"claim": "groups", "value": "regie", "role": "gemeente_regie", "tenant": "alfa"}
    org = await make_org("a", type="gemeente", claim_mappings=(mapping,))
    # The development provider puts "regie" in the groups claim for a "+regie" login.
    done = await sign_in(browser, org.email("wim+regie"))
    assert done.status_code == 303
    assert done.headers["location"] == "/werkruimte"
    status = (await browser.get("/auth/session")).json()
    assert status["context"]["role"] == "gemeente_regie"
    assert status["context"]["tenant"] == tenant_a.slug
    # Without the group: no access.
    browser.cookies.clear()
    done = await sign_in(browser, org.email("wim"))
    assert done.headers["location"] == "/auth/geen-toegang"


async def test_required_acr_is_requested_and_enforced(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory
) -> None:
    # The development provider signs in with a password only: a provider configured to
    # demand MFA must refuse that login.
    org = await make_org("a", required_acr=("urn:casushub:acr:mfa",))
    done = await sign_in(browser, org.email("zonder-mfa"))
    assert done.status_code == 400
    assert "tweede factor" in done.text


def test_every_route_declares_who_may_use_it(rp_app: Litestar) -> None:
    undeclared = []
    for route in rp_app.routes:
        assert isinstance(route, HTTPRoute), f"{route.path}: not an HTTP route"
        for handler in route.route_handlers:
            if route.path.startswith("/schema"):
                continue  # Litestar's OpenAPI routes: refused by the default-deny guard
            if getattr(handler, "http_methods", None) == {"OPTIONS"}:
                continue  # Litestar's automatic OPTIONS answers, also default-deny
            opt = handler.opt
            if opt.get("public") is True:
                continue
            if opt.get("api") == "hub_admin":
                continue  # the admin API: bearer API tokens only (guards.api_token)
            roles = opt.get("roles")
            if roles == ANY_SIGNED_IN or (roles and all(isinstance(r, Role) for r in roles)):
                continue
            undeclared.append(route.path)
    assert undeclared == []


async def test_route_without_declaration_is_refused(
    rp_settings: Settings, sign_in_as: Callable[..., Awaitable[SignedIn]]
) -> None:
    from litestar import get

    from casushub.web.app import create_app

    @get("/zonder-verklaring", sync_to_thread=False)
    def undeclared() -> str:
        return "geheim"

    app = create_app(rp_settings)
    app.register(undeclared)
    async with AsyncTestClient(app) as client:
        await sign_in_as(client, role=Role.PLATFORM_OPERATOR)
        response = await client.get("/zonder-verklaring")
    assert response.status_code == 403
    assert "geheim" not in response.text
