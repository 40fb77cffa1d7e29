"""End to end: a hub admin onboards a municipality through the screen, a real worker on the
real (PostgreSQL) broker provisions it, the schema is at head, and the municipality's invited
user signs in through the development provider and sees an empty case list."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from dbkit import casushub_worker
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.migrate.revisions import tenant_head
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config
from casushub.web.auth.testing import SignedIn
from hub.hubkit import cookies

# The identity tests' scripted browser (login form, consent, callback) is reused as is.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "identity"))
from idp_browser import TEST_CLIENT_ID, TEST_RP_URL, sign_in

DEADLINE = 180.0  # a deadline for a loaded machine, not a timing assertion
WORKER_OUTPUT: deque[str] = deque(maxlen=60)


@pytest.fixture
def worker(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    """A real `casushub worker` child process on the PostgreSQL broker; stopped afterwards."""
    with casushub_worker(settings, threads=2, output=WORKER_OUTPUT, LOG_JSON="true") as process:
        yield process


async def _until(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"niet gebeurd: {what}; de worker schreef:\n" + "".join(WORKER_OUTPUT))


async def test_onboarding_end_to_end(
    settings: Settings,
    admin_engine: AsyncEngine,
    hub_admin: SignedIn,
    worker: subprocess.Popen[str],
    dev_idp: Any,
    unique_code: Callable[[], str],
) -> None:
    rp_settings = replace(settings, base_url=TEST_RP_URL)
    app = create_app(rp_settings)
    code = unique_code()
    slug = f"e2e{code}"
    async with AsyncTestClient(app, session_config=session_config(rp_settings)) as client:
        client.cookies.update(cookies(hub_admin))
        await client.get("/hub/gemeenten/nieuw")
        csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
        form = {
            "naam": f"Gemeente E2E {code}",
            "gemeentecode": code,
            "slug": slug,
            "situatie": "geen_convenant",
            "contactpunt_functie": "de burgemeester",
            "contactpunt_postadres": "Postbus 7, 1234 AB Eendorp",
            "contactpunt_email": f"contactpunt@e2e{code}.test",
            "verwerkersovereenkomst": f"VWO-E2E-{code}",
            "verwerkersovereenkomst_start": "01-07-2025",
        }
        started = await client.post(
            "/hub/gemeenten/nieuw", data=form, headers={**csrf, "HX-Request": "true"}
        )
        assert started.status_code == 200, started.text
        match = re.search(r'hx-get="/hub/gemeenten/taken/([0-9a-f-]+)"', started.text)
        assert match, started.text
        taak = f"/hub/gemeenten/taken/{match.group(1)}"

        async def klaar() -> Any:
            response = await client.get(taak, headers={"HX-Request": "true"})
            assert "Mislukt" not in response.text, response.text
            return response if response.status_code == 286 else None

        done = await _until(klaar, "provisioning klaar")
        pagina = done.headers["hx-redirect"]
        assert pagina.startswith("/hub/gemeenten/")
        gemeente = await client.get(pagina)
        assert gemeente.status_code == 200
        assert form["naam"] in gemeente.text
        assert "actief" in gemeente.text
    async with admin_engine.connect() as conn:
        tenant = (
            await conn.execute(select(Tenant.id, Tenant.schema_revision).where(Tenant.slug == slug))
        ).one()
        assert tenant.schema_revision == tenant_head()
        schema = (
            await conn.execute(
                text("select schema_name from information_schema.schemata where schema_name = :s"),
                {"s": f"t_{slug}"},
            )
        ).scalar()
        assert schema == f"t_{slug}"
    # The municipality's own organisation signs in at provider "a"; its user was invited.
    domain = f"e2e{code}.test"
    async with admin_engine.begin() as conn:
        org_id = await create_organisation(
            conn,
            slug=f"gem_e2e{code}",
            name=form["naam"],
            type=OrganisationType.GEMEENTE.value,
            email_domains=[domain],
            tenant_id=tenant.id,
        )
        await save_provider(
            conn,
            rp_settings,
            organisation_id=org_id,
            issuer=dev_idp.issuers["a"],
            client_id=TEST_CLIENT_ID,
            client_secret="test-geheim-a-0123456789",
        )
        await invite(
            conn,
            organisation_id=org_id,
            email=f"regie@{domain}",
            role=Role.GEMEENTE_REGIE,
            tenant_id=tenant.id,
        )
    async with AsyncTestClient(app, session_config=session_config(rp_settings)) as browser:
        callback = await sign_in(browser, f"regie@{domain}")
        assert callback.status_code in (302, 303), callback.text
        lijst = await browser.get("/casusoverleg")
        assert lijst.status_code == 200, lijst.text
        assert "Geen casussen" in lijst.text
