"""The journeys' pieces: a cast of organisations and invited users at the development
provider, sign-in in Chromium through that provider, and the check every visited page gets
(axe WCAG 2.1 A/AA with zero violations, no CSP violation)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from browserkit import WCAG_TAGS, Tab
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import zet_deelnemers
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import Role
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef

__all__ = ["JOURNEY_CLIENT_SECRET", "Cast", "Journey", "make_cast"]

JOURNEY_CLIENT_SECRET = "journey-geheim-0123456789abcdef"


@dataclass(frozen=True)
class Cast:
    """Who plays in the journeys: one e-mail address per role, the organisations behind them,
    and the municipality they work for (its own tenant, with a running processor agreement)."""

    tenant: TenantRef
    tenant_name: str
    hub_id: uuid.UUID
    emails: dict[str, str]
    organisations: dict[str, uuid.UUID]
    # Each cast's organisations carry its suffix: casts share the hub, and two "Jeugdzorg Reis"
    # in one list made a journey pick the other cast's partner.
    names: dict[str, str]


async def make_cast(
    admin_engine: AsyncEngine,
    settings: Settings,
    issuer: str,
    hub_id: uuid.UUID,
    hub_slug: str,
    gemeentecode: str = "9850",
) -> Cast:
    suffix = secrets.token_hex(3)
    name = f"Gemeente Reis {suffix}"
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"reis{suffix}",
        name=name,
        gemeentecode=gemeentecode,
        hub_slug=hub_slug,
    )
    emails: dict[str, str] = {}
    organisations: dict[str, uuid.UUID] = {}
    names: dict[str, str] = {}
    async with admin_engine.begin() as conn:
        # Hub staff see case data only under a running processor agreement (rule 9).
        await conn.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(verwerkersovereenkomst_start=date(2025, 7, 1))
        )
        for key, org_type, org_name, scope in (
            ("gemeente", "gemeente", name, {"tenant_id": tenant.id}),
            ("hub", "hub", "Zorg- en Veiligheidshuis", {"hub_id": hub_id}),
            ("politie", "politie", f"Politie Eenheid Reis {suffix}", {"hub_id": hub_id}),
            ("om", "om", f"Openbaar Ministerie Reis {suffix}", {"hub_id": hub_id}),
            ("partner", "satellietpartner", f"Jeugdzorg Reis {suffix}", {"hub_id": hub_id}),
        ):
            domain = f"{key}{suffix}.test"
            org_id = await create_organisation(
                conn,
                slug=f"{key}_{suffix}",
                name=org_name,
                type=org_type,
                email_domains=[domain],
                **scope,
            )
            await save_provider(
                conn,
                settings,
                organisation_id=org_id,
                issuer=issuer,
                client_id="casushub",
                client_secret=JOURNEY_CLIENT_SECRET,
            )
            organisations[key] = org_id
            names[key] = org_name
            emails[key] = domain
        await zet_deelnemers(
            conn,
            hub_id,
            tenant.id,
            [organisations["gemeente"], organisations["politie"], organisations["om"]],
        )
        for role, org, login, scope in (
            (Role.HUB_ADMIN, "hub", "beheerder", {"hub_id": hub_id}),
            (Role.PROCESREGISSEUR, "hub", "regisseur", {"tenant_id": tenant.id}),
            (Role.GEMEENTE_REGIE, "gemeente", "regie", {"tenant_id": tenant.id}),
            (Role.FG_AUDITOR, "gemeente", "fg", {"tenant_id": tenant.id}),
            (Role.INVITED_PARTY, "partner", "gast", {"tenant_id": tenant.id}),
        ):
            email = f"{login}@{emails[org]}"
            await invite(
                conn,
                organisation_id=organisations[org],
                email=email,
                role=role,
                tenant_id=scope.get("tenant_id"),
                hub_id=scope.get("hub_id"),
            )
            emails[role.value] = email
    return Cast(tenant, name, hub_id, emails, organisations, names)


async def axe_violations(tab: Tab) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(tab.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    ]


@dataclass
class Journey:
    """A user's way through the app in one browser tab. ``check()`` runs on every page (and
    after every htmx swap that changes one); ``unchecked()`` names pages that were visited
    but never checked, so a journey cannot skip one by accident."""

    tab: Tab
    # Keyboard only: Tab/Shift+Tab to an element, then type, Enter, Space or the arrow keys;
    # never a click, and typing only into the element that has focus.
    keyboard: bool = False
    checked: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        page = self.tab.page

        def navigated(frame: Any) -> None:
            if frame == page.main_frame and frame.url.startswith(self.tab.base_url):
                self.visited.append(self.path(frame.url))

        page.on("framenavigated", navigated)

    @property
    def page(self) -> Any:
        return self.tab.page

    def path(self, url: str | None = None) -> str:
        return (url or self.page.url)[len(self.tab.base_url) :].split("#")[0]

    async def check(self) -> None:
        await self.tab.settled()
        here = self.path()
        violations = await axe_violations(self.tab)
        assert violations == [], f"axe on {here}: {violations}"
        csp = await self.tab.csp_violations()
        assert csp == [], f"CSP on {here}: {csp}"
        self.checked.append(here)

    def unchecked(self) -> list[str]:
        return [p for p in self.visited if p not in self.checked]

    async def goto(self, path: str, status: int = 200) -> None:
        await self.tab.goto(path, status)
        await self.check()

    async def sign_in(
        self, email: str, *, login: str | None = None, from_start: bool = False
    ) -> None:
        """Through casushub's login form and the development provider's own forms.

        ``login``: the login name at the provider (the demo users'; else the e-mail address).
        ``from_start``: begin at the start page and follow its "Inloggen" link."""
        keyboard = self.keyboard
        page = self.page
        if from_start:
            await self.goto("/")
            if keyboard:
                await self.press("Inloggen", role="link")
            else:
                await page.get_by_role("link", name="Inloggen", exact=True).first.click()
            await page.wait_for_url("**/auth/login**")
            await self.check()
        else:
            await self.goto("/auth/login")

        # The forwarding page moves on to the provider at once (meta refresh). Answering
        # that first try with 204 No Content leaves the page standing (a 204 navigation is
        # dropped), so it gets its own check; then the user takes its fallback link.
        async def stay(route: Any) -> None:
            await route.fulfill(status=204)

        def elsewhere(url: str) -> bool:
            return not url.startswith(self.tab.base_url)

        await page.route(elsewhere, stay)
        if keyboard:
            await self.tab_to("e => e.id === 'email'")
            await page.keyboard.type(email)
            await page.keyboard.press("Enter")
        else:
            await page.get_by_label("Uw e-mailadres op het werk").fill(email)
            await page.get_by_role("button", name="Verder naar inloggen").click()
        await page.locator("#doorgaan").wait_for()
        await self.check()
        await page.unroute(elsewhere, stay)
        await self.press("Ga dan verder", role="link")
        # The provider's login form is not ours (not checked: a third party's page), but it
        # is used the same way.
        login_field = page.locator("input[name='login']")
        await login_field.wait_for()
        if keyboard:
            await self.tab_to("e => e.name === 'login'")
            await page.keyboard.type(login or email)
            await page.keyboard.press("Tab")
            await page.keyboard.type("wat-dan-ook")
            await page.keyboard.press("Enter")
        else:
            await login_field.fill(login or email)
            await page.locator("input[name='password']").fill("wat-dan-ook")
            await page.locator("button[type='submit']").click()
        # Next: the provider's consent form, or (consent remembered) straight back to us.
        consent = page.locator("input[name='prompt'][value='consent']")
        await consent.or_(page.locator("main#inhoud")).first.wait_for(state="attached")
        if await consent.count():
            if keyboard:
                await self.tab_to("e => e.type === 'submit'")
                await page.keyboard.press("Enter")
            else:
                await page.locator("button[type='submit']").click()
        await page.wait_for_url(f"{self.tab.base_url}/**")
        # The provider's pages may log their own console lines: only ours count from here.
        self.tab.console.clear()
        await self.check()

    async def tab_to(self, predicate: str, limit: int = 120, *, back: bool = False) -> None:
        """Keyboard only: press Tab (Shift+Tab with back=True) until the focused element
        matches ``predicate``."""
        key = "Shift+Tab" if back else "Tab"
        seen = []
        for _ in range(limit):
            await self.page.keyboard.press(key)
            if await self.tab.active(predicate):
                return
            seen.append(await self.tab.active("e => e.tagName + '#' + e.id + ' ' + (e.name || '')"))
        raise AssertionError(f"{predicate} not reached with {limit}x {key}: {seen[-15:]}")

    async def type_into(self, field_id: str, text: str) -> None:
        """Keyboard only: Tab to the field, then type into the focused element."""
        await self.tab_to(f"e => e.id === {field_id!r}")
        await self.page.keyboard.type(text)

    async def choose(self, field_id: str, label: str) -> None:
        """Keyboard only: Tab to a <select> and move with the arrow keys to ``label``."""
        await self.tab_to(f"e => e.id === {field_id!r}")
        # A list of every municipality on the platform can be long.
        for _ in range(400):
            current = await self.tab.active("e => e.options[e.selectedIndex].text.trim()")
            if current == label:
                return
            await self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{label!r} not among the options of #{field_id}")

    # --- one way of working for both modes ---------------------------------------------------

    async def fill(self, field_id: str, text: str) -> None:
        if self.keyboard:
            await self.type_into(field_id, text)
        else:
            await self.page.locator(f"#{field_id}").fill(text)

    async def select(self, field_id: str, label: str) -> None:
        if self.keyboard:
            await self.choose(field_id, label)
        else:
            await self.page.locator(f"#{field_id}").select_option(label=label)

    async def tick(self, field_id: str) -> None:
        if self.keyboard:
            await self.tab_to(f"e => e.id === {field_id!r}")
            await self.page.keyboard.press("Space")
            assert await self.tab.active("e => e.checked")
        else:
            await self.page.locator(f"#{field_id}").check()

    async def press(self, name: str, *, role: str = "button") -> None:
        """Activate a button (Enter) or link (Enter) by its visible name."""
        if self.keyboard:
            await self.tab_to(f"e => (e.innerText || e.value || '').trim() === {name!r}")
            await self.page.keyboard.press("Enter")
        else:
            found = self.page.get_by_role(role, name=name, exact=True)
            if await found.count() > 1:
                # The same link in the main navigation and on the page: the page's own.
                found = self.page.locator("main").get_by_role(role, name=name, exact=True)
            await found.click()
