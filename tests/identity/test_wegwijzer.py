"""The way on after signing in, switching roles, refusals and signing out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from idp_browser import OrgFactory, csrf_headers, sign_in
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import IdentitySession, User
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef


async def _two_roles(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
    name: str,
    volgende: str = "/",
) -> tuple[str, dict[str, str]]:
    """Signed in with a contactpunt and a participant role in Alfa; returns the location
    after sign-in and the membership id per role."""
    org = await make_org("a", type="gemeente")
    async with admin_engine.begin() as conn:
        for role in (Role.CONTACTPUNT, Role.PARTICIPANT):
            await invite(
                conn,
                organisation_id=org.id,
                email=org.email(name),
                role=role,
                tenant_id=tenant_a.id,
            )
    done = await sign_in(browser, org.email(name), volgende=volgende)
    assert done.status_code == 303
    page = await browser.get("/auth/context")
    ids = {}
    for part in page.text.split('name="membership" value="')[1:]:
        membership_id = part.split('"')[0]
        label = part.split(">", 2)[2].split("<")[0]
        ids["contactpunt" if label.startswith("contactpunt") else "deelnemer"] = membership_id
    return done.headers["location"], ids


async def _choose(browser: AsyncTestClient[Litestar], membership: str, volgende: str) -> str:
    answer = await browser.post(
        "/auth/context",
        data={"membership": membership, "volgende": volgende},
        headers=csrf_headers(browser),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return answer.headers["location"]


async def test_sign_in_returns_to_the_page_asked_for_after_choosing_a_role(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    location, ids = await _two_roles(
        browser, make_org, admin_engine, tenant_a, "terug", volgende="/contactpunt-taken"
    )
    assert location == "/auth/context?volgende=%2Fcontactpunt-taken"
    page = await browser.get(location)
    assert 'name="volgende" value="/contactpunt-taken"' in page.text
    assert await _choose(browser, ids["contactpunt"], "/contactpunt-taken") == "/contactpunt-taken"


async def test_switching_roles_returns_to_the_page_only_when_the_new_role_may_see_it(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    _, ids = await _two_roles(browser, make_org, admin_engine, tenant_a, "wissel2")
    assert await _choose(browser, ids["deelnemer"], "/casusoverleg") == "/casusoverleg"
    # The participant may open the casusoverleg, the contactpunt may not: its werkruimte.
    assert await _choose(browser, ids["contactpunt"], "/casusoverleg") == "/werkruimte"
    # Pages every role may see, and addresses elsewhere, never leave the platform.
    assert await _choose(browser, ids["contactpunt"], "/privacy") == "/privacy"
    assert await _choose(browser, ids["contactpunt"], "https://elders.example/") == "/werkruimte"
    assert await _choose(browser, ids["contactpunt"], "/bestaat-niet") == "/werkruimte"
    # The werkruimte names the other role and offers the switch.
    werkruimte = await browser.get("/werkruimte")
    assert "U werkt ook als: deelnemer – Gemeente Alfa" in werkruimte.text
    # The header's switch link carries the page the person is on.
    page = await browser.get("/contactpunt-taken")
    assert 'href="/auth/context?volgende=/contactpunt-taken"' in page.text


async def test_refusal_says_why_and_offers_another_role(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    _, ids = await _two_roles(browser, make_org, admin_engine, tenant_a, "weiger")
    await _choose(browser, ids["contactpunt"], "/werkruimte")
    refused = await browser.get("/casusoverleg", headers={"accept": "text/html"})
    assert refused.status_code == 403
    assert "U werkt nu als <strong>contactpunt – Gemeente Alfa" in refused.text
    assert 'href="/auth/context?volgende=%2Fcasusoverleg">Kies een andere rol</a>' in refused.text
    assert 'href="/werkruimte"' in refused.text


async def test_an_ended_session_offers_the_way_back_to_sign_in(
    browser: AsyncTestClient[Litestar],
    make_org: OrgFactory,
    admin_engine: AsyncEngine,
    tenant_a: TenantRef,
) -> None:
    _, ids = await _two_roles(browser, make_org, admin_engine, tenant_a, "verloop")
    await _choose(browser, ids["contactpunt"], "/werkruimte")
    async with admin_engine.begin() as conn:
        user_id = (
            await conn.execute(select(User.id).where(User.email.like("verloop@%")))
        ).scalar_one()
        await conn.execute(
            update(IdentitySession)
            .where(IdentitySession.user_id == user_id)
            .values(last_seen_at=datetime.now(UTC) - timedelta(days=1))
        )
    page = await browser.get("/contactpunt-taken?sorteer=termijn", headers={"accept": "text/html"})
    assert page.status_code == 401
    assert "Uw sessie is verlopen" in page.text
    assert (
        'href="/auth/login?volgende=%2Fcontactpunt-taken%3Fsorteer%3Dtermijn&amp;reden=verlopen"'
        in page.text
    )
    login = await browser.get("/auth/login?volgende=%2Fcontactpunt-taken&reden=verlopen")
    assert 'name="volgende" value="/contactpunt-taken"' in login.text


async def test_logout_ends_on_the_start_page_with_a_dutch_message(
    browser: AsyncTestClient[Litestar],
) -> None:
    landing = await browser.get("/auth/uitgelogd", follow_redirects=False)
    assert landing.status_code == 303
    assert landing.headers["location"] == "/?uitgelogd=ja"
    page = await browser.get(landing.headers["location"])
    assert "U bent uitgelogd." in page.text
