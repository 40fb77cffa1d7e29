"""The whole sign-in against the real development provider, on loopback, without a browser."""

from __future__ import annotations

from idp_browser import OrgFactory, sign_in
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import AdminAuditEntry, User
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef


async def test_two_organisations_with_two_different_providers_sign_in(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    org_a = await make_org("a")
    org_b = await make_org("b", type="om")
    assert org_a.issuer != org_b.issuer
    async with admin_engine.begin() as conn:
        await invite(
            conn,
            organisation_id=org_a.id,
            email=org_a.email("anna"),
            role=Role.PARTICIPANT,
            tenant_id=tenant_a.id,
        )
        await invite(
            conn,
            organisation_id=org_b.id,
            email=org_b.email("bert"),
            role=Role.PARTICIPANT,
            tenant_id=tenant_a.id,
        )

    done = await sign_in(browser, org_a.email("anna"), volgende="/werkruimte")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/werkruimte"
    status = (await browser.get("/auth/session")).json()
    assert status["signed_in"] is True
    assert status["user"]["email"] == org_a.email("anna")
    assert status["has_access"] is True
    assert status["context"]["role"] == "participant"
    workspace = await browser.get("/werkruimte")
    assert workspace.status_code == 200, workspace.text

    browser.cookies.clear()
    done = await sign_in(browser, org_b.email("bert"))
    assert done.status_code == 303, done.text
    status = (await browser.get("/auth/session")).json()
    assert status["user"]["email"] == org_b.email("bert")

    async with admin_engine.connect() as conn:
        users = (
            await conn.execute(
                select(User.issuer, User.organisation_id).where(
                    User.email.in_([org_a.email("anna"), org_b.email("bert")])
                )
            )
        ).all()
        logins = (
            await conn.execute(
                select(AdminAuditEntry.organisation_id).where(
                    AdminAuditEntry.action == "inloggen",
                    AdminAuditEntry.organisation_id.in_([org_a.id, org_b.id]),
                )
            )
        ).all()
    # Keyed by (issuer, subject): each user belongs to the provider it came from.
    assert {(u.issuer, u.organisation_id) for u in users} == {
        (org_a.issuer, org_a.id),
        (org_b.issuer, org_b.id),
    }
    assert len(logins) == 2


async def test_first_sign_in_without_invitation_has_no_access(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory
) -> None:
    org = await make_org("a")
    done = await sign_in(browser, org.email("nieuw"))
    assert done.status_code == 303
    assert done.headers["location"] == "/auth/geen-toegang"
    page = await browser.get("/auth/geen-toegang")
    assert "nog geen toegang" in page.text
    status = (await browser.get("/auth/session")).json()
    assert status["signed_in"] is True
    assert status["has_access"] is False
    workspace = await browser.get("/werkruimte", follow_redirects=False)
    assert workspace.status_code == 303
    assert workspace.headers["location"] == "/auth/geen-toegang"


async def test_header_shows_who_is_signed_in_and_loads_the_session_warning(
    browser: AsyncTestClient[Litestar], make_org: OrgFactory
) -> None:
    anonymous = await browser.get("/")
    assert 'href="/auth/login"' in anonymous.text
    assert '<script src="/static/session.js" defer></script>' in anonymous.text
    org = await make_org("a")
    await sign_in(browser, org.email("kop"))
    page = await browser.get("/")
    assert "kop" in page.text
    assert 'action="/auth/logout"' in page.text
    assert 'name="_csrf_token"' in page.text
    script = await browser.get("/static/session.js")
    assert script.status_code == 200
    assert "/auth/session/verlengen" in script.text
