"""Claims from the userinfo endpoint, against a real provider in the standard code-flow profile
(``conformIdTokenClaims``: the ID token carries ``sub`` only; e-mail and name are released at
userinfo), and a provider whose userinfo names another subject than its ID token."""

from __future__ import annotations

from idp_browser import OrgFactory, last_login_failure, sign_in
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import User
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef


async def test_e_mail_only_at_userinfo_binds_the_invitation(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    userinfo_idp: DevIdp,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    org = await make_org(
        "userinfo", idp=userinfo_idp, client_secret="test-geheim-userinfo-0123456789"
    )
    async with admin_engine.begin() as conn:
        await invite(
            conn,
            organisation_id=org.id,
            email=org.email("uma"),
            role=Role.PARTICIPANT,
            tenant_id=tenant_a.id,
        )
    done = await sign_in(browser, org.email("uma"), volgende="/werkruimte")
    assert done.status_code == 303, done.text
    # The invitation bound through the e-mail address that only userinfo released.
    assert done.headers["location"] == "/werkruimte"
    status = (await browser.get("/auth/session")).json()
    assert status["has_access"] is True
    assert status["user"]["email"] == org.email("uma")
    assert status["user"]["name"] == "uma"
    async with admin_engine.connect() as conn:
        user = (
            await conn.execute(select(User.email, User.name).where(User.organisation_id == org.id))
        ).one()
    assert (user.email, user.name) == (org.email("uma"), "uma")


async def test_userinfo_naming_another_subject_is_refused(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    userinfo_idp: DevIdp,
    admin_engine: AsyncEngine,
) -> None:
    org = await make_org(
        "ander_sub", idp=userinfo_idp, client_secret="test-geheim-ander_sub-0123456789"
    )
    done = await sign_in(browser, org.email("wissel"))
    assert done.status_code == 400, done.text
    assert "Inloggen niet gelukt" in done.text
    assert await last_login_failure(admin_engine) == "userinfo_sub_mismatch"
    assert (await browser.get("/auth/session")).json()["signed_in"] is False
    async with admin_engine.connect() as conn:
        made = await conn.execute(select(User.id).where(User.organisation_id == org.id))
        assert made.first() is None
