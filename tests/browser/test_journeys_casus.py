"""Journeys through the casus screens in Chromium, signed in through the development
provider, with links and buttons only from the page after sign-in: the
procesregisseur from a signal to a printed agenda, the police adding information to its
casus, and an invited party that gets the e-mail, opens its link, accepts confidentiality and
sees only what was shared with it. Every page and every swapped section gets axe and the CSP
check (journeykit.Journey), error states included."""

from __future__ import annotations

import re
import secrets
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from browserkit import Tab
from journeykit import Cast, Journey, axe_violations, make_cast
from seedkit import SYSTEEM, Seeds, hub_uuid, weging_invoer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.identity.devidp import DevIdp
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.roles import Role
from casushub.platform.mail import MailMessage, deliver_mail
from casushub.platform.mailsink import MailDirHandler
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.services import weeg_signaal
from casushub.web.app import SESSION_COOKIE

pytestmark = pytest.mark.browser

GEMEENTECODE = "9849"  # test_journeys.py's cast has 9850: codes are unique on the platform
CRITERIA = ("geweld", "denkbeelden", "sociale_relaties", "identificatie", "zelfredzaamheid")
DOEL_AFDRUK = "voorbereiding en verslag van het casusoverleg"


@pytest.fixture(scope="session")
async def cast(
    admin_engine: AsyncEngine, settings: Settings, journey_idp: DevIdp, hub: str
) -> Cast:
    cast = await make_cast(
        admin_engine,
        settings,
        journey_idp.issuers["a"],
        await hub_uuid(admin_engine, hub),
        hub,
        gemeentecode=GEMEENTECODE,
    )
    # A police officer who takes part in this municipality's casussen.
    async with admin_engine.begin() as conn:
        email = f"agent@{cast.emails['politie']}"
        await invite(
            conn,
            organisation_id=cast.organisations["politie"],
            email=email,
            role=Role.PARTICIPANT,
            tenant_id=cast.tenant.id,
        )
    cast.emails["participant"] = email
    return cast


@pytest.fixture
async def journey(tab: Tab, cast: Cast) -> AsyncIterator[Journey]:
    walk = Journey(tab)
    yield walk
    assert walk.unchecked() == [], "pages visited without the axe/CSP check"


async def meeting_for(admin_engine: AsyncEngine, cast: Cast, days: int = 5) -> str:
    begin = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    async with admin_engine.begin() as conn:
        overleg = await maak_casusoverleg(
            conn, cast.hub_id, f"Regio Casus {secrets.token_hex(2)}", [cast.tenant.id]
        )
        meeting = await plan_bijeenkomst(
            conn, cast.hub_id, overleg, begin, begin + timedelta(hours=2), locatie="Zaal Casus"
        )
    return str(meeting)


async def seeded_casus(
    app_engine: AsyncEngine, settings: Settings, cast: Cast, naam: str, *items: str
) -> str:
    """A casus the police takes part in, with ordinary items ``items`` from the police."""
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, GEMEENTECODE, "zorgen", cast.organisations["politie"], date.today()),
        )
        weging = await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
        casus = await maak_casus(
            s,
            SYSTEEM,
            weging_id=weging.id,
            regie_gemeente=GEMEENTECODE,
            intake_datum=date.today(),
            deelnemers=[Deelnemer(cast.organisations["politie"], "politie")],
        )
        for tekst in items:
            await voeg_item_toe(
                s,
                SYSTEEM,
                casus_id=casus.id,
                tekst=tekst,
                bron_organisatie_id=cast.organisations["politie"],
                datum=date.today(),
                categorie="gewoon",
            )
    return str(casus.id)


async def open_casusoverleg(walk: Journey) -> None:
    """From the page after sign-in (the werkruimte) to the casusoverleg screen, through the
    main navigation."""
    await walk.press("Casusoverleg", role="link")
    await walk.page.wait_for_url("**/casusoverleg")
    await walk.check()


async def bevestiging(walk: Journey) -> str:
    region = walk.page.locator("[data-bevestiging]")
    await region.first.wait_for()
    tekst: str = await region.first.inner_text()
    return tekst.strip()


async def legal_choices_made(walk: Journey) -> list[str]:
    """Names of the legal assessment selects that submit an answer nobody chose."""
    chosen: list[str] = await walk.page.evaluate(
        """() => [...document.querySelectorAll('select')]
             .filter(s => /_beoordeling$|^uitkomst$/.test(s.name) && s.value !== '')
             .map(s => s.name)"""
    )
    return chosen


async def test_procesregisseur_from_signal_to_printed_agenda(
    journey: Journey, cast: Cast, admin_engine: AsyncEngine, tmp_path: Path
) -> None:
    meeting = await meeting_for(admin_engine, cast)
    naam = f"Pieter Plan {secrets.token_hex(2)}"
    walk, page = journey, journey.page
    await walk.sign_in(cast.emails["procesregisseur"])
    await open_casusoverleg(walk)

    # The signal: an empty form names every missing field at once.
    await walk.press("Signaal inbrengen", role="link")
    await page.wait_for_url("**/casusoverleg/signalen/nieuw")
    await walk.check()
    await walk.press("Signaal opslaan")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    links = await page.locator("[data-error-summary] a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert {"#naam", "#gemeente_van_verblijf", "#omschrijving"} <= set(links), links
    await walk.fill("naam", naam)
    await walk.select("gemeente_van_verblijf", cast.tenant_name)  # by name, not by code
    await walk.fill("omschrijving", "Deelt oproepen tot geweld in een besloten groep.")
    await walk.tick("aanleiding-radicalisering")
    await walk.fill("aanleiding_toelichting", "Oproepen tot geweld uit extremistische motieven.")
    await walk.press("Signaal opslaan")
    await page.wait_for_url("**/casusoverleg")
    await walk.check()
    assert "Signaal opgeslagen" in await bevestiging(walk)

    # The weging: nothing is chosen beforehand, and finalising it empty lists every answer.
    await walk.press(naam, role="link")
    await page.wait_for_url("**/weging")
    await walk.check()
    assert await legal_choices_made(walk) == []
    await walk.press("Weging vaststellen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    ontbreekt = await page.locator("[data-error-summary] a").count()
    assert ontbreekt >= len(CRITERIA) + 3  # attendance, each criterion, reasoning, outcome
    assert await legal_choices_made(walk) == []
    for org in ("gemeente", "politie", "om"):
        await walk.tick(f"aanwezig-{cast.organisations[org]}")
    for key in CRITERIA:
        await walk.select(f"{key}_beoordeling", "ernstige zorg")
        await walk.fill(f"{key}_toelichting", "Zie het signaal.")
    await walk.fill("redenering", "De weegploeg ziet een reëel risico.")
    await walk.select("uitkomst", "opname in casusoverleg")
    await walk.press("Weging vaststellen")
    await page.wait_for_url("**/opname")
    await walk.check()
    assert "Weging vastgesteld" in await bevestiging(walk)
    await walk.press("Casus aanmaken")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()
    assert "Casus aangemaakt" in await bevestiging(walk)
    assert await page.locator("h1").inner_text() == f"Casus {naam}"
    assert await page.locator("#casus-verblijf").inner_text() == cast.tenant_name

    # Plan van aanpak, in its own section.
    await walk.press("Plan van aanpak", role="link")
    await page.wait_for_url("**/plan")
    await walk.check()
    await walk.fill("omschrijving", "Begeleiding naar werk")
    await walk.select("domein", "werk en inkomen")
    await walk.select("verantwoordelijke", f"{cast.names['politie']} (politie)")
    await walk.fill("bevoegdheid", "Politiewet 2012, art. 3")
    await walk.fill("deadline", (date.today() + timedelta(days=60)).strftime("%d-%m-%Y"))
    await walk.fill("reviewdatum", (date.today() + timedelta(days=90)).strftime("%d-%m-%Y"))
    await walk.press("Interventie toevoegen")
    await page.locator("main").get_by_text("Interventie toegevoegd").first.wait_for()
    await walk.check()
    await walk.fill("plan-doel", "Terug naar school en werk, contact met de familie.")
    await walk.press("Plan vaststellen")
    await page.locator("main").get_by_text("Vastgesteld op").first.wait_for()
    await walk.check()

    # On the agenda of the coming meeting, then the meeting and its printed agenda.
    await walk.press("Bijeenkomsten en uitnodigingen", role="link")
    await page.wait_for_url("**/bijeenkomsten")
    await walk.check()
    await page.locator("#bijeenkomst").select_option(value=meeting)
    await walk.select("agenda-doel", "bespreking")
    await walk.press("Op de agenda zetten")
    await page.locator("main").get_by_text("De casus staat op de agenda").first.wait_for()
    # The confirmation is read out through the live region as well.
    await (
        page.locator("#meldingen")
        .get_by_text("De casus staat op de agenda")
        .wait_for(state="attached")
    )
    await walk.check()
    await walk.press("de hele bijeenkomst", role="link")
    await page.wait_for_url(f"**/casusoverleg/bijeenkomsten/{meeting}")
    await walk.check()
    assert naam in await page.locator("main").inner_text()
    await walk.select("afdruk-doel", DOEL_AFDRUK)
    async with page.expect_download() as download_info:
        await walk.press("PDF maken")
    download = await download_info.value
    assert download.suggested_filename == "agenda.pdf"
    pdf = tmp_path / "agenda.pdf"
    await download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("toetsenbord", [False, True], ids=["muis", "toetsenbord"])
async def test_police_adds_information_to_its_casus(
    tab: Tab, cast: Cast, app_engine: AsyncEngine, settings: Settings, toetsenbord: bool
) -> None:
    naam = f"Petra Politie {secrets.token_hex(2)}"
    await seeded_casus(app_engine, settings, cast, naam)
    walk = Journey(tab, keyboard=toetsenbord)
    page = walk.page
    await walk.sign_in(cast.emails["participant"])
    await open_casusoverleg(walk)
    await walk.press(naam, role="link")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()
    await walk.press("Informatie", role="link")
    await page.wait_for_url("**/informatie")
    await walk.check()
    # Empty: refused inline, with the error summary.
    await walk.press("Toevoegen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    await walk.fill("tekst", "Is gezien bij een bijeenkomst van de groep op 3 december.")
    await walk.select("categorie", "Gewone gegevens")
    await walk.press("Toevoegen")
    await page.locator("main").get_by_text("Informatie toegevoegd").first.wait_for()
    await walk.check()
    sectie = await page.locator("#informatie").inner_text()
    assert "Is gezien bij een bijeenkomst van de groep" in sectie
    assert f"bron: {cast.names['politie']}" in sectie
    assert walk.unchecked() == []


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """casushub's development mail sink on a free port, keeping each message as a file."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path / "mail"
    controller = Controller(MailDirHandler(directory), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, directory
    controller.stop()


async def test_invited_party_gets_the_mail_accepts_and_sees_only_what_was_shared(
    journey: Journey,
    cast: Cast,
    app_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    settings: Settings,
    mail_sink: tuple[int, Path],
) -> None:
    naam = f"Ilse Uitgenodigd {secrets.token_hex(2)}"
    await seeded_casus(
        app_engine, settings, cast, naam, "Volgt een opleiding.", "Niet voor derden bedoeld."
    )
    await meeting_for(admin_engine, cast, days=2)
    walk, page = journey, journey.page

    # The procesregisseur invites the youth care partner, sharing one item.
    await walk.sign_in(cast.emails["procesregisseur"])
    await open_casusoverleg(walk)
    await walk.press(naam, role="link")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()
    await walk.press("Bijeenkomsten en uitnodigingen", role="link")
    await page.wait_for_url("**/bijeenkomsten")
    await walk.check()
    await walk.press("Partij uitnodigen", role="link")
    await page.wait_for_url("**/uitnodigen")
    await walk.check()
    # What can be shared is there from the start.
    await page.get_by_label(re.compile("Volgt een opleiding")).wait_for()
    await walk.press("Uitnodigen")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    await page.locator("#uitnodiging_bijeenkomst").select_option(index=1)
    await walk.select("partij", cast.names["partner"])
    await walk.fill("reden", "Jeugdzorg begeleidt de betrokkene.")
    await page.get_by_label(re.compile("Volgt een opleiding")).check()
    await walk.press("Uitnodigen")
    await page.wait_for_url("**/bijeenkomsten")
    await walk.check()
    assert "e-mail" in await bevestiging(walk)
    assert cast.names["partner"] in await page.locator("ul.uitnodigingen").inner_text()
    await page.context.clear_cookies()

    # The mail: through the SMTP sink, Dutch, no name, a link to the invitation.
    port, directory = mail_sink
    async with admin_engine.connect() as conn:
        mail_id = await conn.scalar(
            select(MailMessage.id)
            .where(
                MailMessage.kind == "bespreking",
                MailMessage.recipient == cast.emails["invited_party"],
            )
            .order_by(MailMessage.created_at.desc())
            .limit(1)
        )
    assert mail_id is not None
    smtp = replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        base_url=walk.tab.base_url,
    )
    await deliver_mail(admin_engine, smtp, uuid.UUID(str(mail_id)))
    (bestand,) = directory.glob("*.eml")
    bericht = message_from_bytes(bestand.read_bytes(), policy=default)
    tekst = bericht.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "geheimhoudingsplicht" in tekst
    assert naam not in tekst
    assert "Jeugdzorg begeleidt" not in tekst
    link = re.search(r"https?://\S+/casusoverleg/uitnodigingen/[0-9a-f-]+", tekst)
    assert link is not None

    # The invited party signs in and opens the link from the e-mail.
    await walk.sign_in(cast.emails["invited_party"])
    await walk.goto(walk.path(link.group(0)))
    assert naam not in await page.locator("main").inner_text()
    await walk.press("Accepteren")
    await page.locator("[data-error-summary]").wait_for()
    await walk.check()
    await walk.tick("geheimhouding")
    await walk.press("Accepteren")
    await page.locator("main").get_by_text("Volgt een opleiding.").first.wait_for()
    await walk.check()
    getoond = await page.locator("main").inner_text()
    assert naam in getoond  # whom the meeting is about, now that confidentiality is accepted
    assert "Niet voor derden bedoeld." not in getoond
    assert "Geheimhoudingsplicht geaccepteerd" in await bevestiging(walk)


@pytest.mark.parametrize(
    ("pad", "knop"),
    [
        ("herbeoordeling", "Herbeoordeling vastleggen"),
        ("verhuizing", "Verhuizing vastleggen"),
        ("afsluiten", "Casus afsluiten"),
        ("uitnodigen", "Uitnodigen"),
    ],
)
async def test_action_pages_with_every_error_have_no_wcag_violations(
    tab: Tab, session_cookies: dict[str, str], seeds: Seeds, pad: str, knop: str
) -> None:
    """The error state of each action page: the fields emptied, the summary and inline errors
    shown, checked by axe and for CSP violations."""
    page = tab.page
    await page.context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": session_cookies["gemeente_regie"],
                "url": tab.base_url,
            }
        ]
    )
    await tab.goto(f"/casusoverleg/casussen/{{casus}}/{pad}")
    for veld in await page.locator("main form input[type='text']").all():
        await veld.fill("")
    await page.get_by_role("button", name=knop, exact=True).click()
    await page.locator("[data-error-summary]").wait_for()
    await tab.settled()
    assert await page.locator("[aria-invalid='true']").count() >= 1
    assert await axe_violations(tab) == []
    assert await tab.csp_violations() == []


async def test_regie_takes_in_a_weging_that_was_left_before_its_intake(
    journey: Journey, cast: Cast, app_engine: AsyncEngine, settings: Settings
) -> None:
    """A weging concluded "opname" and its intake page was left: the werkruimte counts it, the
    list names the person, and the casus is made from there."""
    naam = f"Wim Wachter {secrets.token_hex(2)}"
    async with tenant_session(app_engine, cast.tenant, settings) as s, s.begin():
        signaal = await registreer_signaal(
            s,
            SYSTEEM,
            NieuwSignaal(naam, GEMEENTECODE, "zorgen", cast.organisations["politie"], date.today()),
        )
        await weeg_signaal(s, SYSTEEM, weging_invoer(signaal.id), vaststellen=True)
    walk, page = journey, journey.page
    await walk.sign_in(cast.emails["gemeente_regie"])
    wachtend = page.get_by_role("link", name="Wachten op opname")
    await walk.check()
    await wachtend.click()
    await page.wait_for_url("**/casusoverleg/op-te-nemen")
    await walk.check()
    await walk.press(f"Casus aanmaken voor {naam}", role="link")
    await page.wait_for_url(re.compile(r".*/casusoverleg/wegingen/[0-9a-f-]+/opname$"))
    await walk.check()
    await walk.press("Casus aanmaken")
    await page.wait_for_url(re.compile(r".*/casusoverleg/casussen/[0-9a-f-]+$"))
    await walk.check()
    assert naam in await page.locator("main").inner_text()
    # Taken in: no longer waiting.
    await page.goto(page.url.split("/casusoverleg")[0] + "/casusoverleg/op-te-nemen")
    assert naam not in await page.locator("main").inner_text()
