"""E-mail: an outbox in ``platform`` and delivery over SMTP.

A message never contains personal data (docs/design.md §3): its text is one of the fixed
templates below, which say only that there is something to do, plus a link into the
platform. There is no free-text parameter on purpose, and the link is a bare path of ids.
The recipient is a professional user's work address.

Delivery is at least once: a crash between the SMTP hand-over and marking the row sent
sends it again; the ``Message-ID`` is the row id so receiving systems can drop the copy.
"""

from __future__ import annotations

import asyncio
import enum
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Integer, String, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from casushub.platform.ids import new_id
from casushub.platform.models import PlatformBase

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = [
    "MAIL_KINDS",
    "MailError",
    "MailMessage",
    "compose",
    "deliver_mail",
    "pending_mail",
    "queue_mail",
    "send_direct",
]

_ADDRESS = re.compile(r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
# Paths of ids and fixed words only: no query string or fragment that could carry a name.
_LINK_PATH = re.compile(r"^(/[A-Za-z0-9_-]{1,64}){1,8}/?$")


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class MailTemplate:
    subject: str
    body: str


MAIL_KINDS: dict[str, MailTemplate] = {
    "taak": MailTemplate(
        subject="Er staat een taak voor u klaar in casushub",
        body="Er staat in casushub een taak voor u klaar.",
    ),
    "herinnering": MailTemplate(
        subject="Herinnering: er wacht iets op u in casushub",
        body="Er wacht in casushub iets op uw reactie.",
    ),
    "export": MailTemplate(
        subject="De export van uw gemeente staat klaar in casushub",
        body=(
            "De verwerkersovereenkomst met de hub is beëindigd. De volledige export van de "
            "gegevens van uw gemeente staat klaar om te downloaden. Daarna vernietigt de hub "
            "zijn kopie van de gegevens."
        ),
    ),
    "uitnodiging": MailTemplate(
        subject="U bent uitgenodigd in casushub",
        body="U bent uitgenodigd om in casushub mee te werken.",
    ),
    # An invited party (a satellietpartner) for one meeting of the casusoverleg.
    "bespreking": MailTemplate(
        subject="Uitnodiging voor een bespreking in het casusoverleg",
        body=(
            "Uw organisatie is uitgenodigd voor een bespreking van het casusoverleg "
            "radicalisering en terroristische activiteiten.\n"
            "Voordat u informatie ziet, accepteert u de geheimhoudingsplicht. U ziet alleen "
            "de informatie die voor u is vrijgegeven, en alleen zolang de uitnodiging geldt."
        ),
    ),
}

_FOOTER = (
    "Open de link en log in om te zien waar het om gaat:\n{link}\n\n"
    "Deze e-mail bevat bewust geen gegevens over personen of casussen.\n"
    "Dit bericht is automatisch verstuurd; u kunt er niet op antwoorden.\n"
)


class MailError(ValueError):
    pass


class MailMessage(PlatformBase):
    __tablename__ = "mail_outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    recipient: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(40))
    link_path: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


async def queue_mail(engine: AsyncEngine, recipient: str, kind: str, link_path: str) -> uuid.UUID:
    """Record a mail in the outbox; send ``mail.deliver`` with the returned id after commit."""
    if not _ADDRESS.match(recipient):
        msg = "Ongeldig e-mailadres."
        raise MailError(msg)
    if kind not in MAIL_KINDS:
        msg = f"Onbekende soort e-mail: {kind!r}."
        raise MailError(msg)
    if not _LINK_PATH.match(link_path):
        msg = "De link is een pad in het platform van alleen id's, zonder vraagteken of #."
        raise MailError(msg)
    async with engine.begin() as conn:
        result = await conn.execute(
            insert(MailMessage)
            .values(id=new_id(), recipient=recipient, kind=kind, link_path=link_path)
            .returning(MailMessage.id)
        )
        return result.scalar_one()


def compose(
    settings: Settings, mail_id: uuid.UUID, recipient: str, kind: str, link_path: str
) -> EmailMessage:
    template = MAIL_KINDS[kind]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = template.subject
    domain = settings.mail_from.rsplit("@", 1)[-1].rstrip(">") or "casushub"
    message["Message-ID"] = make_msgid(idstring=str(mail_id), domain=domain)
    link = settings.base_url + link_path
    message.set_content(template.body + "\n\n" + _FOOTER.format(link=link))
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    host, port = settings.smtp_host or "localhost", settings.smtp_port
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_tls == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


async def send_direct(
    settings: Settings, message_id: uuid.UUID, recipient: str, subject: str, body: str
) -> None:
    """Send a mail whose address may not be kept in ``platform`` (a citizen's, held in the
    tenant schema); the caller sends it from its tenant outbox, so a retry resends it."""
    if not _ADDRESS.match(recipient):
        msg = "Ongeldig e-mailadres."
        raise MailError(msg)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = subject
    domain = settings.mail_from.rsplit("@", 1)[-1].rstrip(">") or "casushub"
    message["Message-ID"] = make_msgid(idstring=str(message_id), domain=domain)
    message.set_content(body)
    await asyncio.to_thread(_send, settings, message)


async def deliver_mail(engine: AsyncEngine, settings: Settings, mail_id: uuid.UUID) -> bool:
    """Send one queued mail; False when it was already sent (a duplicate message)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(MailMessage).where(MailMessage.id == mail_id))).first()
    if row is None or row.status == MailStatus.SENT.value:
        return False
    message = compose(settings, row.id, row.recipient, row.kind, row.link_path)
    try:
        await asyncio.to_thread(_send, settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        async with engine.begin() as conn:
            await conn.execute(
                update(MailMessage)
                .where(MailMessage.id == mail_id)
                .values(attempts=MailMessage.attempts + 1, last_error=str(exc)[:500])
            )
        raise
    async with engine.begin() as conn:
        await conn.execute(
            update(MailMessage)
            .where(MailMessage.id == mail_id)
            .values(
                status=MailStatus.SENT.value,
                attempts=MailMessage.attempts + 1,
                sent_at=func.now(),
                last_error="",
            )
        )
    return True


async def pending_mail(engine: AsyncEngine, *, older_than_seconds: int = 300) -> list[uuid.UUID]:
    """Queued mail whose message was lost (e.g. a crash right after commit): the sweep resends."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(MailMessage.id)
            .where(
                MailMessage.status == MailStatus.QUEUED.value,
                MailMessage.created_at
                < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, older_than_seconds),
            )
            .limit(1000)
        )
        return list(rows.scalars())
