"""Browser tests: the real app under uvicorn, driven by Debian's Chromium through Playwright.

PAGES below is the one list of pages every page-level check runs on (axe, CSP, keyboard,
reflow): a new screen adds its path there, and test_pages_cover_routes.py holds it against
the route table. Chromium comes from Debian (`make chromium`); Playwright's own browser
download does not work on these machines. Without Chromium the tests skip with a loud
message, never silently; under ``CI=true`` a skipped browser test fails the run instead, so
CI cannot stay green with none of them run.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import serverkit  # type: ignore[import-not-found]  # bare name, not in pyproject.toml's mypy list
from browserkit import CSP_LISTENER, PageSpec, Tab
from journeykit import JOURNEY_CLIENT_SECRET
from partnerkit import JENV_ROL, inbrengbare_uitnodiging, jenv_deelnemer
from pluggy import Result
from seedkit import Seeds, citizen_with_receipt, invite_party, seed, sign_in_role
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.app import SESSION_COOKIE
from casushub.web.auth.testing import create_signed_in_session

# Every page that exists. Add each new screen here, with the role that may see it. Signed-in
# pages get a session made by casushub.web.auth.testing (the identity tests cover the real
# provider round trip). "alfa" is the `tenant_a` fixture.
PAGES = [
    PageSpec("/", "casushub"),
    PageSpec("/toegankelijkheid", "Toegankelijkheidsverklaring"),
    PageSpec("/privacy", "Privacyverklaring"),
    PageSpec("/contactpunt", "Uw gegevens en uw rechten"),
    PageSpec("/bestaat-niet", "Pagina niet gevonden", status=404),
    PageSpec("/werkruimte", "U bent niet ingelogd", status=401),
    PageSpec("/auth/login", "Inloggen"),
    PageSpec("/?uitgelogd=ja", "casushub"),
    PageSpec("/werkruimte", "Werkruimte", role="gemeente_regie"),
    PageSpec("/werkruimte", "Werkruimte", role="contactpunt"),
    PageSpec("/werkruimte", "Werkruimte", role="participant"),
    PageSpec("/werkruimte", "Werkruimte", role="invited_party"),
    PageSpec("/werkruimte", "Werkruimte", role="fg_auditor"),
    PageSpec("/werkruimte", "Werkruimte", role="hub_admin"),
    PageSpec("/hub/gemeenten", "Geen toegang", status=403, role="gemeente_regie"),
    PageSpec("/auth/context", "Kies in welke rol u werkt", role="gemeente_regie"),
    PageSpec("/casusoverleg", "Casusoverleg", role="gemeente_regie"),
    PageSpec("/casusoverleg/signalen/nieuw", "Signaal inbrengen", role="gemeente_regie"),
    PageSpec("/casusoverleg/zoeken", "Zoeken in deze gemeente", role="gemeente_regie"),
    PageSpec("/fg", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/contactpunt/alfa", "Uw gegevens en uw rechten"),
    # The citizen's receipt after sending the form (the receipt travels in the session).
    PageSpec("/contactpunt/alfa/ontvangen", "Wij hebben uw verzoek ontvangen", role="burger"),
    PageSpec(
        "/instructies",
        "Instructies over de omgang met deze persoonsgegevens",
        role="gemeente_regie",
    ),
    PageSpec("/ontwikkeling/patronen", "Patronen"),
    PageSpec("/ontwikkeling/patronen?sorteer=casussen&richting=aflopend", "Patronen"),
    PageSpec("/auth/geen-toegang", "U heeft nog geen toegang", role="geen"),
    # Casusoverleg screens of the gemeente (regie); "{casus}" etc. are seeded (seedkit.py).
    PageSpec(
        "/casusoverleg/signalen/{signaal}/weging", "Weging van het signaal", role="gemeente_regie"
    ),
    PageSpec(
        "/casusoverleg/wegingen/{weging}/opname",
        "Opname in het casusoverleg",
        role="gemeente_regie",
    ),
    PageSpec("/casusoverleg/casussen/{casus}", "Casus Casper Casus", role="gemeente_regie"),
    # The casus page's sections, each on its own URL, and its actions' own pages.
    *(
        PageSpec(f"/casusoverleg/casussen/{{casus}}/{sectie}", "Casus Casper Casus", role=rol)
        for sectie in ("informatie", "plan", "maatregelen", "derden", "bijeenkomsten", "verloop")
        for rol in ("gemeente_regie",)
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/herbeoordeling",
        "Herbeoordeling (noodzaaktoets) van Casper Casus",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/verhuizing",
        "Verhuizing van Casper Casus vastleggen",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/afsluiten",
        "Casus Casper Casus afsluiten",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/uitnodigen",
        "Een partij uitnodigen voor de bespreking van Casper Casus",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/heropenen",
        "Casus Casper Casus heropenen",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/bijeenkomsten/{bijeenkomst}",
        "Bijeenkomst casusoverleg Regio Pagina's",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/bijeenkomsten/{bijeenkomst}/aanwezigheid",
        "Aanwezigheid",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/agendapunten/{agendapunt}", "Agendapunt: Casper Casus", role="gemeente_regie"
    ),
    PageSpec("/casusoverleg", "Casusoverleg", role="invited_party"),
    PageSpec(
        "/casusoverleg/uitnodigingen/{uitnodiging}", "Geheimhoudingsplicht", role="invited_party"
    ),
    PageSpec("/casusoverleg", "Casusoverleg", role="participant"),
    # Partners under the Wet (partnerkit.py): the partner's own form, JenV's announcement and
    # the gemeente's list and decision.
    PageSpec(
        "/casusoverleg/uitnodigingen/{uitnodiging_inbreng}/inbrengen",
        "Informatie inbrengen voor de bespreking van Casper Casus",
        role="invited_party",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/maatregelen/nieuw",
        "Een maatregel van de minister aankondigen voor Casper Casus",
        role=JENV_ROL,
    ),
    PageSpec("/casusoverleg/op-te-nemen", "Wachten op opname", role="gemeente_regie"),
    PageSpec(
        "/casusoverleg/maatregelen",
        "Maatregelen van de minister die wachten op uw besluit",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/maatregelen/{maatregel}/besluit",
        "Besluit over een maatregel van de minister voor Casper Casus",
        role="gemeente_regie",
    ),
    PageSpec(
        "/bewaartermijnen/proefrun", "Wat wordt volgende week vernietigd", role="gemeente_regie"
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/informatie/{item}/inzage",
        "Inzage beperken – informatie van",
        role="gemeente_regie",
    ),
    PageSpec(
        "/casusoverleg/casussen/{casus}/export",
        "Exporteren voor een interventie – Casper Casus",
        role="gemeente_regie",
    ),
    PageSpec("/bewaartermijnen", "Bewaartermijnen", role="gemeente_regie"),
    PageSpec("/gemeente/beeindiging", "Einde verwerkersovereenkomst", role="gemeente_regie"),
    PageSpec("/bewaartermijnen", "Bewaartermijnen", role="fg_auditor"),
    PageSpec("/bewaartermijnen/vernietigingsbewijzen", "Vernietigingsbewijzen", role="fg_auditor"),
    PageSpec(
        "/casusoverleg/casussen/{casus}/bewaarplicht",
        "Bewaarplicht – Casper Casus",
        role="gemeente_regie",
    ),
    PageSpec("/cijfers", "Cijfers van uw gemeente", role="gemeente_regie"),
    PageSpec("/grens-van-de-wet", "Het signaal valt niet onder deze wet", role="gemeente_regie"),
    # Overgangsvoorraad (convenant-era cases)
    PageSpec("/overgang", "Overgangsvoorraad", role="gemeente_regie"),
    PageSpec(
        "/overgang/formaat", "Bestandsformaat voor de overgangsvoorraad", role="gemeente_regie"
    ),
    PageSpec(
        "/overgang/imports/{overgang_import}", "Import van overgang.json", role="gemeente_regie"
    ),
    PageSpec(
        "/overgang/zaken/{overgang_zaak}/weging", "Weging onder de Wet", role="gemeente_regie"
    ),
    # Contactpunt
    PageSpec("/contactpunt-taken", "Verzoeken bij het contactpunt", role="contactpunt"),
    PageSpec("/contactpunt-taken/nieuw", "Verzoek registreren", role="contactpunt"),
    PageSpec("/contactpunt-taken/verzoek/{verzoek}", "Verzoek CP-9801-", role="contactpunt"),
    # The person search on the request page, with its results to choose from.
    PageSpec(
        "/contactpunt-taken/verzoek/{verzoek}?zoek_naam=Casper",
        "Verzoek CP-9801-",
        role="contactpunt",
    ),
    PageSpec(
        "/contactpunt-taken/verzoek/{verzoek_gekoppeld}", "Verzoek CP-9801-", role="contactpunt"
    ),
    PageSpec(
        "/contactpunt-taken/verzoek/{verzoek}/besluit",
        "Besluit over verzoek CP-9801-",
        role="contactpunt",
    ),
    PageSpec(
        "/contactpunt-taken/verzoek/{verzoek_gekoppeld}/besluit",
        "Besluit over verzoek CP-9801-",
        role="contactpunt",
    ),
    PageSpec("/contactpunt-taken/verbeteringen", "Verbeterde gegevens", role="participant"),
    PageSpec(
        "/contactpunt-taken/rectificatie/{rectificatie}",
        "Een gegeven is verbeterd",
        role="contactpunt",
    ),
    PageSpec(
        "/contactpunt-taken?zoek=Ines&soort=inzage&status=alle&sorteer=naam&richting=aflopend",
        "Verzoeken bij het contactpunt",
        role="contactpunt",
    ),
    PageSpec(
        "/contactpunt-taken/raadplegingen", "Raadplegingen van het contactpunt", role="participant"
    ),
    # FG
    PageSpec("/fg/casus?casus={casus}", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/fg/casus?casus=geen-kenmerk", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/fg/casus?naam=Casper", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/fg/casus?naam=Niemand", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/fg/casus?naam=x", "Verwerkingenlog", role="fg_auditor"),
    PageSpec("/fg/gebruiker?gebruiker={gebruiker}", "Verwerkingenlog", role="fg_auditor"),
    PageSpec(
        "/fg/instructies", "Wie accepteerde welke versie van de instructies", role="fg_auditor"
    ),
    # Hub admin
    PageSpec("/hub/gemeenten", "Gemeenten", role="hub_admin"),
    PageSpec("/hub/gemeenten/nieuw", "Gemeente aanmelden", role="hub_admin"),
    PageSpec("/hub/gemeenten/{tenant}", "Gemeente Alfa", role="hub_admin"),
    PageSpec("/hub/organisaties", "Organisaties", role="hub_admin"),
    PageSpec("/hub/organisaties/nieuw", "Organisatie toevoegen", role="hub_admin"),
    PageSpec("/hub/organisaties/{politie}", "Politie Eenheid", role="hub_admin"),
    PageSpec("/hub/gebruikers", "Gebruikers", role="hub_admin"),
    PageSpec("/hub/gebruikers/review", "Autorisatiereview – Testorganisatie", role="hub_admin"),
    PageSpec("/hub/api-tokens", "API-tokens", role="hub_admin"),
    PageSpec("/hub/overgang/formaat", "Bestandsformaat", role="hub_admin"),
    PageSpec("/hub/cijfers", "Cijfers van de hub", role="hub_admin"),
    PageSpec("/hub/cijfers/{overgang_tenant}", "Cijfers van Gemeente Overgang", role="hub_admin"),
    PageSpec("/hub/cijfers?jaar=1999", "Cijfers van de hub", role="hub_admin", status=422),
    PageSpec(
        "/hub/gemeenten/{overgang_tenant}/overgang", "Overgangsvoorraad van", role="hub_admin"
    ),
    PageSpec(
        "/hub/gemeenten/{overgang_tenant}/overgang/imports/{overgang_hub_import}",
        "Import van overgang.json",
        role="hub_admin",
    ),
    PageSpec("/hub/audit", "Auditlog van het beheer", role="hub_admin"),
    PageSpec("/hub/casusoverleggen", "Casusoverleggen", role="hub_admin"),
    PageSpec("/hub/casusoverleggen/{overleg}", "Regio Pagina's", role="hub_admin"),
    PageSpec("/hub/instructies", "Instructies en training", role="hub_admin"),
    PageSpec("/hub/huisstijl", "Huisstijl van de hub", role="hub_admin"),
    PageSpec("/beheer/gebruikers/{gebruiker}/sessies", "Sessies van Test", role="hub_admin"),
    # Platform operator
    PageSpec("/platform/hubs", "Hubs", role="platform_operator"),
    PageSpec("/platform/hubs/{hub}", "Test-ZVH", role="platform_operator"),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_spec" in metafunc.fixturenames:
        ids = [f"{p.path}@{p.role}" if p.role else p.path for p in PAGES]
        metafunc.parametrize("page_spec", PAGES, ids=ids)


# --- loud skip -------------------------------------------------------------------------------

_skipped_because: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped_because:
        line = "WARNING: " + _skipped_because[0]
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(line, red=True, bold=True)


# --- the app under test ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Chromium and Playwright, or a loud skip (before any database is set up for nothing)."""
    problem = serverkit.chromium_problem()
    if problem:
        _skipped_because.append(problem)
        pytest.skip(problem)
    return Path(serverkit.CHROMIUM)  # serverkit is untyped here (a bare-name import)


@pytest.fixture(scope="session")
def live_server(chromium: Path, settings: Settings, tenant_a: TenantRef) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, on the session's test database."""
    with serverkit.serve(settings, serverkit.SERVER_LOG) as base_url:
        yield base_url


@pytest.fixture(scope="session")
async def seeds(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    hub: str,
) -> Seeds:
    """The objects PAGES paths point at (a casus, a meeting, an agenda item…) in tenant "alfa"."""
    return await seed(admin_engine, app_engine, settings, tenant_a, hub)


@pytest.fixture(scope="session")
async def session_cookies(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    seeds: Seeds,
) -> dict[str, str]:
    """One signed-in session per role used in PAGES: tenant roles in "alfa", the hub admin in
    the test hub, "geen" a user without any membership. Fills the ids the paths need."""
    cookies: dict[str, str] = {}
    for role in sorted({page.role for page in PAGES if page.role}):
        if role == "burger":
            cookies[role] = await citizen_with_receipt(admin_engine, settings, tenant_a)
            continue
        if role == JENV_ROL:
            cookies[role], ids = await jenv_deelnemer(
                admin_engine, app_engine, settings, tenant_a, seeds
            )
            _ids.update(ids)
            continue
        if role == "geen":
            signed_in = await create_signed_in_session(admin_engine, settings, role=None)
        else:
            signed_in = await sign_in_role(admin_engine, settings, role, tenant_a, seeds.hub)
        cookies[role] = signed_in.cookie
        if role == "invited_party":
            uitnodiging = await invite_party(app_engine, settings, tenant_a, seeds, signed_in)
            _ids["uitnodiging"] = str(uitnodiging)
            _ids["uitnodiging_inbreng"] = str(
                await inbrengbare_uitnodiging(app_engine, settings, tenant_a, seeds, signed_in)
            )
        if role == "hub_admin":
            _ids["gebruiker"] = str(signed_in.user_id)
    _ids.update(seeds.ids(), tenant=str(tenant_a.id))
    return cookies


# Filled by session_cookies; read by the `tab` fixture.
_ids: dict[str, str] = {}


@pytest.fixture(scope="session")
def journey_idp(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevIdp]:
    """The bundled development OIDC provider (a real `oidc-provider` process) with the live
    server registered as relying party: the journeys sign in through it, in Chromium. Any
    login name signs in; access comes from invitations (journeykit.py)."""
    from casushub.platform.identity.devidp import node_config, start_dev_idp

    providers = [
        {"key": "a", "client_secret": JOURNEY_CLIENT_SECRET, "users": [], "any_user": True}
    ]
    config = node_config(providers, client_id="casushub", base_port=0, rp_base_urls=[live_server])
    idp = start_dev_idp(config, tmp_path_factory.mktemp("journey-idp") / "config.json")
    yield idp
    idp.stop()


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def browser(live_server: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(serverkit.CHROMIUM), headless=True, args=serverkit.LAUNCH_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and serverkit.running_in_ci():
        # A browser test that did not run proves nothing: in CI that is a failure.
        reden = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true: browsertest overgeslagen, dat telt als fout. {reden}"
    if report.when == "call":
        item.stash[_failed] = report.failed


_failed = pytest.StashKey[bool]()


@pytest.fixture
async def tab(
    browser: Any,
    live_server: str,
    session_cookies: dict[str, str],
    request: pytest.FixtureRequest,
) -> AsyncIterator[Tab]:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="nl-NL", base_url=live_server
    )
    callspec = getattr(request.node, "callspec", None)
    spec = callspec.params.get("page_spec") if callspec else None
    if spec is not None and spec.role:
        cookie = {"name": SESSION_COOKIE, "value": session_cookies[spec.role], "url": live_server}
        await context.add_cookies([cookie])
    # Short waits: a missing element should fail the test quickly, with a screenshot.
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.add_init_script(CSP_LISTENER)
    tab = Tab(page=page, base_url=live_server, ids=_ids)
    page.on("console", lambda message: tab.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: tab.console.append(f"pageerror: {error}"))
    yield tab
    if request.node.stash.get(_failed, False):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        serverkit.ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(serverkit.ARTIFACTS / f"{name}.png"), full_page=True)
        (serverkit.ARTIFACTS / f"{name}.console.txt").write_text("\n".join(tab.console))
    await context.close()


# --- the demo region of `make dev` (demokit.py) ----------------------------------------------


@pytest.fixture(scope="session")
async def demo(
    chromium: Path, database_factory: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Any]:
    """The demo region in a database of its own, its own server and the demo providers: the
    README's demo users sign in here as a person trying `make dev` would."""
    from demokit import DemoRegion, load_demo_region

    settings = await database_factory()
    with serverkit.serve(settings, "uvicorn-demo.log") as base_url:
        idp = await load_demo_region(settings, base_url, tmp_path_factory.mktemp("demo-idp"))
        try:
            yield DemoRegion(base_url, settings, idp)
        finally:
            idp.stop()
