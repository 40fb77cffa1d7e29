"""docs/operations.md, "The first sign-in", as an operator follows it: the guide's own commands
run through the real CLI against an empty database, the invitation goes out over SMTP, and the
invited administrator then signs in at a real OpenID Connect provider and reaches the hub's
screens with the municipality the guide created."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from idp_browser import TEST_RP_URL, sign_in
from litestar.testing import AsyncTestClient

from casushub.platform.identity.devidp import DevIdp
from casushub.platform.settings import Settings, get_settings
from casushub.web.app import create_app, session_config

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "operations.md"
# The guide's example provider; the test's development provider stands in for it.
GUIDE_ISSUER = "https://login.zvh-noord.nl"
ADMIN = "functioneel.beheer@zvh-noord.nl"
SECRET = "test-geheim-a-0123456789"  # as the session's development provider registers it


def guide_commands() -> list[list[str]]:
    """The ``casushub`` commands of the block marked ``<!-- test: first-sign-in -->``."""
    match = re.search(
        r"<!-- test: first-sign-in -->\n```sh\n(.*?)\n```", GUIDE.read_text(), flags=re.DOTALL
    )
    assert match, "docs/operations.md lost its first-sign-in block"
    text = match.group(1).replace("\\\n", " ")
    commands = [shlex.split(line) for line in text.splitlines() if line.strip()]
    assert all(command[0] == "casushub" for command in commands), commands
    return commands


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def relay() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _run(settings: Settings, port: int, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CASUSHUB_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "APP_DATABASE_URL": settings.app_database_url,
        "DB_ROLE_PREFIX": settings.db_role_prefix,
        "DATA_DIR": str(settings.data_dir),
        # The same key as the web app below (the runtime Secret's, in a cluster).
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": TEST_RP_URL,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TLS": "none",
        "MAIL_FROM": "ZVH Noord <noreply@zvh-noord.nl>",
        # As the chart's bootstrap Job passes it: from a Secret, through the environment.
        "OIDC_CLIENT_SECRET": SECRET,
    }
    return subprocess.run(  # noqa: S603 - our own CLI, the guide's arguments
        [sys.executable, "-m", "casushub", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def test_the_guide_leads_from_an_empty_database_to_the_first_sign_in(
    database_factory: Callable[[], Awaitable[Settings]],
    dev_idp: DevIdp,
    relay: tuple[Inbox, int],
) -> None:
    inbox, port = relay
    fresh = await database_factory()
    commands = guide_commands()
    assert [c[1] for c in commands] == [
        "db",
        "hubs",
        "organisaties",
        "organisaties",
        "gebruikers",
        "tenants",
    ]
    for command in commands:
        args = [dev_idp.issuers["a"] if arg == GUIDE_ISSUER else arg for arg in command[1:]]
        assert not any(SECRET in arg for arg in args), "the secret is never an argument"
        done = await asyncio.to_thread(_run, fresh, port, args)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert SECRET not in done.stdout + done.stderr
    # The invitation went out over SMTP: a fixed text with a link, no personal data.
    (mail,) = inbox.messages
    assert mail["To"] == ADMIN
    assert mail["Subject"] == "U bent uitgenodigd in casushub"
    assert TEST_RP_URL + "/werkruimte" in mail.get_content()

    # The bootstrap Job runs the same commands again after a failed attempt or an upgrade:
    # nothing is created twice and no second invitation is mailed.
    for command in commands[:5]:
        args = [dev_idp.issuers["a"] if arg == GUIDE_ISSUER else arg for arg in command[1:]]
        again = await asyncio.to_thread(_run, fresh, port, args)
        assert again.returncode == 0, (command, again.stderr)
    assert len(inbox.messages) == 1

    # The first sign-in: the address's domain leads to the organisation's provider; the
    # invitation gives the hub administrator's role; the start page leads to the hub screens.
    rp = replace(fresh, base_url=TEST_RP_URL)
    app = create_app(rp)
    async with AsyncTestClient(app, session_config=session_config(rp)) as browser:
        done = await sign_in(browser, ADMIN, volgende="/hub/gemeenten")
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/hub/gemeenten"
        status = (await browser.get("/auth/session")).json()
        assert status["signed_in"] is True
        assert status["has_access"] is True
        assert status["context"]["role"] == "hub_admin"
        gemeenten = await browser.get("/hub/gemeenten")
        assert gemeenten.status_code == 200, gemeenten.text[:500]
        # The hub's screens, with their navigation (organisations, users …), are open to them.
        assert 'href="/hub/organisaties"' in gemeenten.text
        assert 'href="/hub/gebruikers"' in gemeenten.text
        assert "Gemeente Oostdam" in gemeenten.text


def test_the_client_secret_comes_from_an_env_var_or_a_file_never_an_argument(
    settings: Settings, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from casushub.cli import main

    runner = CliRunner()
    slug = f"geheim_{os.getpid()}"
    created = runner.invoke(
        main,
        [
            "organisaties",
            "create",
            slug,
            "--name",
            "Geheim",
            "--type",
            "om",
            "--domain",
            f"geheim{os.getpid()}.test",
        ],
    )
    assert created.exit_code == 0, created.output
    again = runner.invoke(
        main,
        [
            "organisaties",
            "create",
            slug,
            "--name",
            "Geheim",
            "--type",
            "om",
            "--domain",
            f"geheim{os.getpid()}.test",
            "--if-missing",
        ],
    )
    assert again.exit_code == 0, again.output
    assert "bestaat al" in again.output
    base = [
        "organisaties",
        "provider",
        slug,
        "--issuer",
        "https://idp.geheim.test",
        "--client-id",
        "casushub",
    ]

    from_env = runner.invoke(
        main,
        [*base, "--secret-env", "GEHEIM_UIT_SECRET"],
        env={"GEHEIM_UIT_SECRET": "uit-de-omgeving-1"},
    )
    assert from_env.exit_code == 0, from_env.output
    assert "uit-de-omgeving-1" not in from_env.output

    secret_file = tmp_path / "geheim"
    secret_file.write_text("uit-een-bestand-2\n")
    from_file = runner.invoke(main, [*base, "--secret-file", str(secret_file)])
    assert from_file.exit_code == 0, from_file.output

    missing = runner.invoke(main, [*base, "--secret-env", "BESTAAT_NIET_XYZ"])
    assert missing.exit_code == 1
    assert "BESTAAT_NIET_XYZ is leeg of bestaat niet" in missing.output
    both = runner.invoke(main, [*base, "--secret-env", "X", "--secret-file", str(secret_file)])
    assert both.exit_code == 1
    assert "niet allebei" in both.output
    empty = tmp_path / "leeg"
    empty.write_text("\n")
    assert runner.invoke(main, [*base, "--secret-file", str(empty)]).exit_code == 1
    # There is no option that takes the secret itself.
    as_argument = runner.invoke(main, [*base, "--client-secret", "te-zien-in-ps"])
    assert as_argument.exit_code == 2

    # The stored secret is the file's (the last one saved), encrypted.
    from sqlalchemy import select

    from casushub.platform.database import create_admin_engine
    from casushub.platform.identity.encryption import SecretBox
    from casushub.platform.identity.models import OidcProvider, Organisation

    async def stored_secret() -> Any:
        engine = create_admin_engine(settings)
        try:
            async with engine.connect() as conn:
                return (
                    await conn.execute(
                        select(OidcProvider.client_secret_encrypted)
                        .join(Organisation, Organisation.id == OidcProvider.organisation_id)
                        .where(Organisation.slug == slug)
                    )
                ).scalar_one()
        finally:
            await engine.dispose()

    stored = asyncio.run(stored_secret())
    assert "uit-een-bestand-2" not in str(stored)
    # Encrypted with the key the command itself used (the environment's).
    assert SecretBox.from_settings(get_settings()).decrypt(stored) == "uit-een-bestand-2"
