"""The demo region of `make dev` in a database of its own, with its own app server and the
development provider serving the demo organisations: tests that sign in as the README's demo
users, exactly as a person trying the platform would."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
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
    "serve",
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(settings: Settings, log_name: str) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, on ``settings``' database."""
    ARTIFACTS.mkdir(exist_ok=True)
    base_url = f"http://127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "CASUSHUB_ENV": "test",
        "SECURE_COOKIES": "false",
        "SECRET_KEY": settings.secret_key,
        "DATA_DIR": str(settings.data_dir),
        "BASE_URL": base_url,
    }
    port = base_url.rsplit(":", 1)[1]
    command = [sys.executable, "-m", "uvicorn", "--factory", "casushub.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", port]
    with (ARTIFACTS / log_name).open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - fixed argv
        try:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((ARTIFACTS / log_name).read_text()[-3000:])
                try:
                    if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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
