"""Sessions: timeouts, htmx expiry, logout with CSRF and RP-initiated logout, deactivation,
revocation by an admin, the context switcher and the tenant gate."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from idp_browser import OrgFactory, csrf_headers, forward_url, sign_in
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.access import AccessDenied, Identity, check_tenant_access
from casushub.platform.identity.deactivation import deactivate_organisation
from casushub.platform.identity.memberships import deactivate_user, invite, memberships_of
from casushub.platform.identity.models import AdminAuditEntry, IdentitySession, User
from casushub.platform.identity.roles import Role
from casushub.platform.models import Hub
from casushub.platform.tenancy import TenantRef
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import SignedIn


async def _signed_in_user(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant: TenantRef,
    name: str,
    *,
    roles: tuple[Role, ...] = (Role.PARTICIPANT,),
    hub_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """Sign in through the provider as a pre-invited user; returns (user id, org id)."""
    org = await make_org("a", hub_id=hub_id)
    async with admin_engine.begin() as conn:
        for role in roles:
            await invite(
                conn, organisation_id=org.id, email=org.email(name), role=role, tenant_id=tenant.id
            )
    done = await sign_in(browser, org.email(name))
    assert done.status_code == 303, done.text
    async with admin_engine.connect() as conn:
        user_id = (
            await conn.execute(select(User.id).where(User.email == org.email(name)))
        ).scalar_one()
    return user_id, org.id


async def _age_session(engine: AsyncEngine, user_id: uuid.UUID, **values: object) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(IdentitySession).where(IdentitySession.user_id == user_id).values(**values)
        )


async def test_idle_session_expires_and_htmx_gets_a_client_redirect(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "idle")
    assert (await browser.get("/werkruimte")).status_code == 200
    await _age_session(admin_engine, user_id, last_seen_at=func.now() - timedelta(minutes=31))
    response = await browser.get(
        "/werkruimte",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver.local/werkruimte"},
    )
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/auth/login?reden=verlopen&volgende=%2Fwerkruimte"
    assert (await browser.get("/auth/session")).json()["signed_in"] is False
    async with admin_engine.connect() as conn:
        reason = (
            await conn.execute(
                select(IdentitySession.end_reason).where(IdentitySession.user_id == user_id)
            )
        ).scalar_one()
    assert reason == "idle_timeout"


async def test_activity_within_the_idle_window_keeps_the_session(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "actief")
    await _age_session(admin_engine, user_id, last_seen_at=func.now() - timedelta(minutes=29))
    assert (await browser.get("/werkruimte")).status_code == 200
    status = (await browser.get("/auth/session")).json()
    assert status["signed_in"] is True
    assert status["warning_seconds"] == 300


async def test_absolute_timeout_ends_an_active_session(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "absoluut")
    await _age_session(
        admin_engine,
        user_id,
        created_at=func.now() - timedelta(hours=10, minutes=1),
        expires_at=func.now() - timedelta(minutes=1),
        last_seen_at=func.now(),  # active a moment ago: the absolute limit still applies
    )
    assert (await browser.get("/werkruimte")).status_code == 401
    assert (await browser.get("/auth/session")).json()["signed_in"] is False


async def test_session_status_does_not_extend_but_the_extend_action_does(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "verleng")
    await _age_session(admin_engine, user_id, last_seen_at=func.now() - timedelta(minutes=27))
    before = (await browser.get("/auth/session")).json()["idle_expires_at"]
    assert (await browser.get("/auth/session")).json()["idle_expires_at"] == before
    extended = await browser.post("/auth/session/verlengen", headers=csrf_headers(browser))
    assert extended.json() == {"extended": True}
    assert (await browser.get("/auth/session")).json()["idle_expires_at"] > before


async def test_logout_without_csrf_token_is_refused(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    await _signed_in_user(browser, make_org, admin_engine, tenant_a, "csrf")
    response = await browser.post("/auth/logout")
    assert response.status_code == 403
    assert (await browser.get("/auth/session")).json()["signed_in"] is True


async def test_logout_ends_the_session_and_logs_out_at_the_provider(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "uit")
    page = await browser.post("/auth/logout", headers=csrf_headers(browser))
    assert page.status_code == 200
    end_session = forward_url(page)
    query = dict(parse_qsl(urlsplit(end_session).query))
    assert end_session.startswith("http://127.0.0.1:")
    assert "/session/end" in end_session
    assert query["post_logout_redirect_uri"] == "http://testserver.local/auth/uitgelogd"
    assert query["id_token_hint"].count(".") == 2
    async with httpx.AsyncClient() as idp:
        # The provider accepts our logout request (it shows its confirmation form).
        assert (await idp.get(end_session)).status_code == 200
    assert (await browser.get("/auth/session")).json()["signed_in"] is False
    async with admin_engine.connect() as conn:
        actions = (
            await conn.execute(
                select(AdminAuditEntry.action).where(AdminAuditEntry.actor_user_id == user_id)
            )
        ).scalars()
        assert "uitloggen" in set(actions)


async def test_deactivated_user_with_a_live_session_is_out_at_once(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "weg")
    assert (await browser.get("/werkruimte")).status_code == 200
    async with admin_engine.begin() as conn:
        assert await deactivate_user(conn, user_id) == 1
    assert (await browser.get("/werkruimte")).status_code == 401
    assert (await browser.get("/auth/session")).json()["signed_in"] is False


async def test_deactivated_organisation_ends_its_sessions(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    _, org_id = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "orgweg")
    async with admin_engine.begin() as conn:
        assert await deactivate_organisation(conn, org_id) == 1
    assert (await browser.get("/auth/session")).json()["signed_in"] is False


async def test_admin_lists_and_revokes_a_users_session(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
    hub: str,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    async with admin_engine.connect() as conn:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()
    user_id, _ = await _signed_in_user(
        browser, make_org, admin_engine, tenant_a, "intrek", hub_id=hub_id
    )
    users_cookie = browser.cookies.get(SESSION_COOKIE)
    async with admin_engine.connect() as conn:
        session_id = (
            await conn.execute(select(IdentitySession.id).where(IdentitySession.user_id == user_id))
        ).scalar_one()

    # The same test client now plays the hub admin's browser.
    browser.cookies.clear()
    await sign_in_as(browser, role=Role.HUB_ADMIN, hub_id=hub_id)
    listing = await browser.get(f"/beheer/gebruikers/{user_id}/sessies")
    assert listing.status_code == 200
    assert "Intrekken" in listing.text
    revoked = await browser.post(
        f"/beheer/sessies/{session_id}/intrekken",
        headers=csrf_headers(browser),
        follow_redirects=False,
    )
    assert revoked.status_code == 303

    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, users_cookie or "")
    assert (await browser.get("/auth/session")).json()["signed_in"] is False
    async with admin_engine.connect() as conn:
        logged = (
            await conn.execute(
                select(AdminAuditEntry.target).where(AdminAuditEntry.action == "sessie_ingetrokken")
            )
        ).scalars()
        assert str(session_id) in set(logged)


async def test_hub_admin_cannot_see_users_outside_the_hub(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
    hub: str,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    async with admin_engine.connect() as conn:
        hub_id = (await conn.execute(select(Hub.id).where(Hub.slug == hub))).scalar_one()
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "elders")
    browser.cookies.clear()
    await sign_in_as(browser, role=Role.HUB_ADMIN, hub_id=hub_id)
    assert (await browser.get(f"/beheer/gebruikers/{user_id}/sessies")).status_code == 404


async def test_participant_cannot_open_the_admin_session_list(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    user_id, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "nieuwsgierig")
    assert (await browser.get(f"/beheer/gebruikers/{user_id}/sessies")).status_code == 403


async def test_context_switcher_changes_the_active_tenant(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    org = await make_org("a")
    async with admin_engine.begin() as conn:
        for tenant in (tenant_a, tenant_b):
            await invite(
                conn,
                organisation_id=org.id,
                email=org.email("wissel"),
                role=Role.PARTICIPANT,
                tenant_id=tenant.id,
            )
    done = await sign_in(browser, org.email("wissel"))
    assert done.status_code == 303
    # Two memberships and none chosen: the sign-in ends at the choice, then the werkruimte.
    assert done.headers["location"] == "/auth/context?volgende=%2Fwerkruimte"
    workspace = await browser.get("/werkruimte", follow_redirects=False)
    assert workspace.status_code == 303
    assert workspace.headers["location"] == "/auth/context?volgende=%2Fwerkruimte"
    page = await browser.get("/auth/context")
    assert "Gemeente Alfa" in page.text
    assert "Gemeente Bravo" in page.text
    status = (await browser.get("/auth/session")).json()
    assert status["context"] is None
    ids = [part.split('"')[0] for part in page.text.split('name="membership" value="')[1:]]
    chosen = {}
    for membership_id in ids:
        await browser.post(
            "/auth/context",
            data={"membership": membership_id},
            headers=csrf_headers(browser),
            follow_redirects=False,
        )
        chosen[membership_id] = (await browser.get("/auth/session")).json()["context"]["tenant"]
    assert set(chosen.values()) == {"alfa", "bravo"}
    # A membership id of someone else is not a context this user can pick.
    other = await browser.post(
        "/auth/context",
        data={"membership": str(uuid.uuid4())},
        headers=csrf_headers(browser),
        follow_redirects=False,
    )
    assert other.status_code == 404


async def test_tenant_in_session_without_membership_is_refused(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    """Even if the session named another tenant, the gate checks the membership."""
    await _signed_in_user(browser, make_org, admin_engine, tenant_a, "grens")
    assert (await browser.get("/werkruimte")).status_code == 200
    # The identity as the request sees it, checked against the other tenant.
    async with admin_engine.connect() as conn:
        user_id = (
            await conn.execute(select(User.id).where(User.email.like("grens@%")))
        ).scalar_one()
        memberships = tuple(await memberships_of(conn, user_id))
    identity = Identity(
        user_id=user_id,
        name="",
        email="",
        organisation_id=memberships[0].organisation_id,
        organisation_name="",
        session_id=uuid.uuid4(),
        memberships=memberships,
        active=memberships[0],
        idle_deadline=datetime.now(UTC),
        absolute_deadline=datetime.now(UTC),
    )
    check_tenant_access(identity, tenant_a.id)
    with pytest.raises(AccessDenied):
        check_tenant_access(identity, tenant_b.id)
    with pytest.raises(AccessDenied):
        check_tenant_access(None, tenant_a.id)
    assert browser.cookies.get(SESSION_COOKIE)


async def test_signing_in_again_in_the_same_browser_ends_the_earlier_session(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    first_user, _ = await _signed_in_user(browser, make_org, admin_engine, tenant_a, "eerste")
    await _signed_in_user(browser, make_org, admin_engine, tenant_a, "tweede")
    async with admin_engine.connect() as conn:
        reason = (
            await conn.execute(
                select(IdentitySession.end_reason).where(IdentitySession.user_id == first_user)
            )
        ).scalar_one()
    assert reason == "vervangen"
    assert (await browser.get("/auth/session")).json()["user"]["email"].startswith("tweede@")
