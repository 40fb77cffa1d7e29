"""The demo region of `make dev` in a database of its own, with its own app server and the
development provider serving the demo organisations: tests that sign in as the README's demo
users, exactly as a person trying the platform would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from browserkit import CSP_LISTENER, Tab
from journeykit import Journey
from sqlalchemy import select, update

from casushub.cli.demo import DEMO_HUB, DEMO_TENANTS, load_demo
from casushub.platform.database import create_admin_engine
from casushub.platform.identity.devidp import DevIdp, demo_config, node_config, start_dev_idp
from casushub.platform.identity.models import OidcProvider, Organisation
from casushub.platform.identity.roles import ROLE_LABELS, Role
from casushub.platform.settings import Settings

__all__ = [
    "DemoRegion",
    "DemoUser",
    "demo_tab",
    "demo_user",
    "demo_users",
    "load_demo_region",
    "sign_in_demo",
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class DemoUser:
    email: str
    login: str
    # One membership: (role, tenant slug or hub slug or "").
    role: str
    scope: str
    several: bool  # has more than one membership: chooses at sign-in


@dataclass(frozen=True)
class DemoRegion:
    base_url: str
    settings: Settings
    idp: DevIdp


def demo_users() -> list[DemoUser]:
    """Every (demo user, role) of devidp/demo-users.json, the README's table."""
    users = []
    for spec in demo_config()["providers"]:
        for user in spec["users"]:
            for membership in user["memberships"]:
                users.append(
                    DemoUser(
                        email=user["email"],
                        login=user["sub"],
                        role=membership["role"],
                        scope=membership.get("tenant") or membership.get("hub") or "",
                        several=len(user["memberships"]) > 1,
                    )
                )
    return users


async def load_demo_region(settings: Settings, base_url: str, config_dir: Path) -> DevIdp:
    """`casushub demo` into the database, and the demo providers on free ports: each demo
    organisation's provider record then points at its issuer there."""
    engine = create_admin_engine(settings)
    try:
        await load_demo(engine, settings)
        providers: list[dict[str, Any]] = demo_config()["providers"]
        config = node_config(providers, client_id="casushub", base_port=0, rp_base_urls=[base_url])
        idp = start_dev_idp(config, config_dir / "config.json")
        async with engine.begin() as conn:
            for key, issuer in idp.issuers.items():
                org_id = await conn.scalar(select(Organisation.id).where(Organisation.slug == key))
                await conn.execute(
                    update(OidcProvider)
                    .where(OidcProvider.organisation_id == org_id)
                    .values(
                        issuer=issuer, discovery_url=issuer + "/.well-known/openid-configuration"
                    )
                )
    finally:
        await engine.dispose()
    return idp


def _scope_name(user: DemoUser) -> str:
    names = {slug: name for slug, name, _ in DEMO_TENANTS}
    return names.get(user.scope) or (DEMO_HUB[1] if user.scope else "platform")


async def sign_in_demo(journey: Journey, user: DemoUser) -> None:
    """From the start page through the provider (e-mail, then login name); choose the role
    when the user has several, accept the hub's instructions when asked; ends on the
    werkruimte."""
    await journey.sign_in(user.email, login=user.login, from_start=True)
    page = journey.page
    if user.several:
        assert journey.path().startswith("/auth/context"), journey.path()
        label = f"{ROLE_LABELS[Role(user.role)]} – {_scope_name(user)}"
        await page.get_by_label(re.compile("^" + re.escape(label))).check()
        await journey.press("Deze rol gebruiken")
        await page.wait_for_load_state("load")
        await journey.check()
    if journey.path().startswith("/instructies"):
        await journey.tick("gelezen")
        await journey.press("Accepteren")
        await page.wait_for_load_state("load")
        await journey.check()
    assert journey.path() == "/werkruimte", journey.path()


def demo_user(email: str, role: str) -> DemoUser:
    return next(u for u in demo_users() if u.email == email and u.role == role)


@asynccontextmanager
async def demo_tab(browser: Any, demo: DemoRegion) -> AsyncIterator[Tab]:
    """A fresh browser context (no cookies) on the demo region's server."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="nl-NL", base_url=demo.base_url
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await page.add_init_script(CSP_LISTENER)
    tab = Tab(page=page, base_url=demo.base_url)
    page.on("console", lambda message: tab.console.append(f"{message.type}: {message.text}"))
    try:
        yield tab
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "demo-journey-failure.png"), full_page=True)
        raise
    finally:
        await context.close()
