"""The person who filed a request gets its receipt number and deadline by e-mail, and nothing
else about the request: sent by a real worker from the tenant outbox to a real SMTP server."""

from __future__ import annotations

from email.message import EmailMessage

from dramatiq import Broker
from sqlalchemy.ext.asyncio import AsyncEngine
from test_mail import Inbox, smtp_server  # noqa: F401 - the SMTP fixture
from workerkit import StartWorker, wait_for

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import services
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.web.contactpunt import datum_nl
from casushub.workers.actors import outbox_sweep


async def test_the_citizen_gets_number_and_deadline_by_mail_and_nothing_else(
    broker: Broker,
    start_worker: StartWorker,
    smtp_server: tuple[Inbox, int],  # noqa: F811 - the imported fixture
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
) -> None:
    inbox, port = smtp_server
    adres = "hendrika.bevestiging@voorbeeld.nl"
    async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
        stored = await services.registreer(
            session,
            Actor(None, None, "publiek"),
            NieuwVerzoek(
                type=VerzoekType.VERWIJDERING,
                betrokkene_naam="Hendrika Bevestiging-Verstappen",
                indiener_naam="Hendrika Bevestiging-Verstappen",
                kanaal=Kanaal.WEBFORMULIER,
                indiener_email=adres,
                bericht="Wis alles over mijn broer.",
            ),
            gemeentecode="9801",
        )
    start_worker(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_TLS="none")
    outbox_sweep.send()

    async def received() -> EmailMessage | None:
        ours = [m for m in inbox.messages if m["To"] == adres]
        return ours[0] if ours else None

    message: EmailMessage = await wait_for(received, what="ontvangstbevestiging")
    body = message.get_content()
    assert stored.ontvangstnummer in body
    assert datum_nl(stored.termijn) in body
    for forbidden in ("Hendrika", "Verstappen", "broer", "Verwijdering", "wissen"):
        assert forbidden not in body
        assert forbidden not in message["Subject"]
