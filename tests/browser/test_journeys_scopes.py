"""Journeys for what a person's organisation decides, signed in through the development
identity provider in Chromium (every page checked by axe and for CSP, journeykit.Journey):

- a reclassering participant sees the one casus it takes part in, no signal and no other
  person, and cannot open a signal's weging page;
- a hub admin switches a partner organisation off after the confirmation page that says what
  ends, and cannot switch off the hub's own organisation.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
from browserkit import Tab
from journeykit import JOURNEY_CLIENT_SECRET, Journey
from seedkit import SYSTEEM, hub_uuid, weging_invoer
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import save_provider
from casushub.platform.identity.roles import Role
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.services import weeg_signaal

pytestmark = pytest.mark.browser
GEMEENTECODE = "9852"


@dataclass(frozen=True)
class Rollen:
    tenant: TenantRef
    emails: dict[str, str]
    organisations: dict[str, uuid.UUID]
    signaal: uuid.UUID


async def _casus(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    naam: str,
    deelnemers: list[Deelnemer],
) -> None:
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s, SYSTEEM, NieuwSignaal(naam, GEMEENTECODE, "Zorgen.", uuid.uuid4(), date.today())
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente=GEMEENTECODE,
            intake_datum=date.today(),
            deelnemers=deelnemers,
        )


@pytest.fixture(scope="session")
async def rollen(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    journey_idp: DevIdp,
    hub: str,
) -> Rollen:
    suffix = secrets.token_hex(3)
    hub_id = await hub_uuid(admin_engine, hub)
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"zichtreis{suffix}",
        name=f"Gemeente Zichtreis {suffix}",
        gemeentecode=GEMEENTECODE,
        hub_slug=hub,
    )
    emails: dict[str, str] = {}
    organisations: dict[str, uuid.UUID] = {}
    async with admin_engine.begin() as conn:
        for key, soort, naam in (
            ("hub", "hub", "Zorg- en Veiligheidshuis Zichtreis"),
            ("reclassering", "reclassering", "Reclassering Zichtreis"),
            ("proef", "rvdk", "Raad voor de Kinderbescherming Proef"),
        ):
            domain = f"{key}{suffix}.test"
            organisations[key] = await create_organisation(
                conn,
                slug=f"z{key}_{suffix}",
                name=naam,
                type=soort,
                email_domains=[domain],
                hub_id=hub_id,
            )
            await save_provider(
                conn,
                settings,
                organisation_id=organisations[key],
                issuer=journey_idp.issuers["a"],
                client_id="casushub",
                client_secret=JOURNEY_CLIENT_SECRET,
            )
            emails[key] = domain
        for role, org, login, scope in (
            (Role.PARTICIPANT, "reclassering", "toezicht", {"tenant_id": tenant.id}),
            (Role.HUB_ADMIN, "hub", "beheer", {"hub_id": hub_id}),
        ):
            emails[role.value] = f"{login}@{emails[org]}"
            await invite(
                conn,
                organisation_id=organisations[org],
                email=emails[role.value],
                role=role,
                **scope,
            )
    kern = [
        Deelnemer(uuid.uuid4(), "gemeente"),
        Deelnemer(uuid.uuid4(), "politie"),
        Deelnemer(uuid.uuid4(), "om"),
    ]
    eigen = Deelnemer(organisations["reclassering"], "reclassering")
    await _casus(app_engine, settings, tenant, "Rens Reclassering", [*kern, eigen])
    await _casus(app_engine, settings, tenant, "Ko Kernpartij", kern)
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal("Sanne Signaal", GEMEENTECODE, "Zorgen.", uuid.uuid4(), date.today()),
        )
    return Rollen(tenant, emails, organisations, signaal.id)


@pytest.fixture
async def journey(tab: Tab, rollen: Rollen) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def test_reclassering_sees_only_its_own_casus(journey: Journey, rollen: Rollen) -> None:
    page = journey.page
    await journey.sign_in(rollen.emails["participant"])
    await journey.goto("/casusoverleg")
    main = await page.locator("main").inner_text()
    assert "Rens Reclassering" in main
    assert "Ko Kernpartij" not in main
    assert "Sanne Signaal" not in main
    await journey.press("Zoeken", role="link")
    await page.wait_for_url("**/casusoverleg/zoeken")
    await journey.check()
    await journey.fill("naam", "Sanne")
    await journey.press("Zoeken")
    await page.wait_for_url("**/casusoverleg/zoeken?**")
    await journey.check()
    assert "Geen personen gevonden." in await page.locator("main").inner_text()
    await journey.goto("/casusoverleg")
    await journey.press("Rens Reclassering", role="link")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await journey.check()
    assert await page.locator("h1").inner_text() == "Casus Rens Reclassering"
    # The weegploeg's page of a signal: refused, in Dutch.
    await journey.goto(f"/casusoverleg/signalen/{rollen.signaal}/weging", status=403)
    assert "weegploeg" in await page.locator("main").inner_text()
    assert "Sanne Signaal" not in await page.content()


async def test_hub_admin_switches_an_organisation_off_after_confirming(
    journey: Journey, rollen: Rollen
) -> None:
    page = journey.page
    await journey.sign_in(rollen.emails["hub_admin"])
    await journey.goto("/hub/organisaties")
    # The hub's own organisation cannot be switched off: the form says why.
    await journey.press("Zorg- en Veiligheidshuis Zichtreis", role="link")
    await page.wait_for_url(f"**/hub/organisaties/{rollen.organisations['hub']}")
    await journey.check()
    await page.get_by_label(re.compile("^Actief")).uncheck()
    await page.get_by_role("button", name="Opslaan", exact=True).click()
    await page.locator("[data-error-summary]").wait_for()
    await journey.check()
    assert "eigen organisatie van de hub" in await page.locator("main").inner_text()
    # A partner organisation: first what it ends, then switched off.
    await journey.goto("/hub/organisaties")
    await journey.press("Raad voor de Kinderbescherming Proef", role="link")
    await page.wait_for_url(f"**/hub/organisaties/{rollen.organisations['proef']}")
    await journey.check()
    await page.get_by_label(re.compile("^Actief")).uncheck()
    await page.get_by_role("button", name="Opslaan", exact=True).click()
    await page.get_by_role("heading", name=re.compile("uitschakelen\\?$")).wait_for()
    await journey.check()
    assert "sessies worden beëindigd" in await page.locator("#gevolgen").inner_text()
    await journey.press("Ja, uitschakelen")
    await page.get_by_role("heading", name="Raad voor de Kinderbescherming Proef").wait_for()
    await journey.check()
    assert "uitgeschakeld" in await page.locator("main").inner_text()
