"""E-mail goes through a real SMTP server and says only that there is something to do."""

from __future__ import annotations

import smtplib
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from dramatiq import Broker
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import ROOT, StartWorker, WorkerProcess, child_env, wait_for, wait_for_line

from casushub.platform.mail import MailError, compose, queue_mail
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.personen.models import Persoon
from casushub.workers.enqueue import send_mail


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        parsed = message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def test_mail_is_delivered_without_personal_data(
    broker: Broker,
    start_worker: StartWorker,
    smtp_server: tuple[Inbox, int],
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    inbox, port = smtp_server
    naam = "Hendrika Mailtest-Verstappen"
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        persoon = Persoon(naam=naam, gemeente_van_verblijf="0000")
        session.add(persoon)
    start_worker(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        SMTP_TLS="none",
        BASE_URL="https://casushub.example.nl",
        MAIL_FROM="casushub <noreply@casushub.example.nl>",
    )

    link = f"/werkruimte/taken/{persoon.id}"
    mail_id = await send_mail(app_engine, "behandelaar@gemeente.example.nl", "taak", link)

    async def received() -> EmailMessage | None:
        # Other tests may have left mail in the shared outbox: look for ours.
        ours = [m for m in inbox.messages if m["To"] == "behandelaar@gemeente.example.nl"]
        return ours[0] if ours else None

    message: EmailMessage = await wait_for(received, what="e-mail bij de SMTP-server")
    body = message.get_content()
    assert message["To"] == "behandelaar@gemeente.example.nl"
    assert message["Subject"] == "Er staat een taak voor u klaar in casushub"
    assert f"https://casushub.example.nl{link}" in body
    assert str(mail_id) in message["Message-ID"]
    # Nothing about the person: not the name, not a part of it, not the municipality.
    for forbidden in (naam, "Hendrika", "Verstappen", tenant_a.slug, "Alfa"):
        assert forbidden not in body
        assert forbidden not in message["Subject"]


@pytest.mark.parametrize(
    ("recipient", "kind", "link"),
    [
        ("niet-een-adres", "taak", "/werkruimte"),
        ("a@b.example.nl", "vrije-tekst", "/werkruimte"),
        ("a@b.example.nl", "taak", "/zoek?naam=Jansen"),
        ("a@b.example.nl", "taak", "/personen/jan jansen"),
        ("a@b.example.nl", "taak", "https://elders.example.com/"),
    ],
)
async def test_mail_refuses_anything_but_a_fixed_text_and_a_path(
    app_engine: AsyncEngine, recipient: str, kind: str, link: str
) -> None:
    with pytest.raises(MailError):
        await queue_mail(app_engine, recipient, kind, link)


@pytest.fixture
def mail_sink(tmp_path: Path, settings: Settings) -> Iterator[tuple[int, Path]]:
    """`casushub mailsink` as `make dev` starts it, with its own DATA_DIR."""
    port = _free_port()
    sink = subprocess.Popen(  # noqa: S603 - fixed command
        [sys.executable, "-m", "casushub", "mailsink", "--port", str(port)],
        cwd=ROOT,
        env=child_env(settings, DATA_DIR=str(tmp_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process = WorkerProcess(sink)
    try:
        wait_for_line(sink, "mail-sink op")
        process.drain()
        yield port, tmp_path / "mail"
    finally:
        process.stop()


async def test_dev_mail_sink_keeps_every_message(
    mail_sink: tuple[int, Path], settings: Settings
) -> None:
    port, directory = mail_sink
    message = compose(settings, uuid.uuid4(), "a@b.example.nl", "herinnering", "/werkruimte")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)

    async def stored() -> list[Path]:
        return sorted(directory.glob("*.eml"))

    files = await wait_for(stored, what="bericht in DATA_DIR/mail")
    assert "Herinnering: er wacht iets op u in casushub" in files[0].read_text()
