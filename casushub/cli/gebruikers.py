"""``casushub gebruikers …``: inviting users (optionally by mail) and switching them off.

``--if-missing`` makes ``invite`` a no-op when the address already has a valid or accepted
invitation for the role, so the chart's bootstrap Job can run again after a failed attempt.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import click

from casushub.cli.organisaties import organisation_id, scope_ids
from casushub.cli.run import fail, run_in_transaction
from casushub.platform.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


@click.group()
def gebruikers() -> None:
    """Gebruikers: uitnodigen en uitzetten."""


@gebruikers.command("invite")
@click.argument("organisation")
@click.argument("email")
@click.option("--role", required=True)
@click.option("--hub", default=None)
@click.option("--tenant", default=None)
@click.option(
    "--if-missing",
    is_flag=True,
    help="Niets doen als dit adres al een geldige of aanvaarde uitnodiging voor deze rol heeft.",
)
@click.option(
    "--mail",
    "send_mail",
    is_flag=True,
    help="Stuur de uitnodiging ook per e-mail (een vaste tekst met de link naar het platform).",
)
def users_invite(
    organisation: str,
    email: str,
    role: str,
    hub: str | None,
    tenant: str | None,
    if_missing: bool,
    send_mail: bool,
) -> None:
    """Nodig een e-mailadres uit; de eerste keer inloggen koppelt de rol."""
    from sqlalchemy import func, or_, select

    from casushub.platform.identity.memberships import invite
    from casushub.platform.identity.models import Invitation
    from casushub.platform.identity.roles import Role

    try:
        chosen = Role(role)
    except ValueError:
        fail("onbekende rol; kies uit " + ", ".join(r.value for r in Role))

    async def create(conn: AsyncConnection) -> bool:
        org_id = await organisation_id(conn, organisation)
        hub_id, tenant_id = await scope_ids(conn, hub, tenant)
        if if_missing:
            earlier = await conn.execute(
                select(Invitation.id).where(
                    Invitation.organisation_id == org_id,
                    Invitation.email == email.strip().lower(),
                    Invitation.role == chosen.value,
                    Invitation.hub_id.is_(None) if hub_id is None else Invitation.hub_id == hub_id,
                    Invitation.tenant_id.is_(None)
                    if tenant_id is None
                    else Invitation.tenant_id == tenant_id,
                    or_(Invitation.accepted_at.is_not(None), Invitation.expires_at > func.now()),
                )
            )
            if earlier.first() is not None:
                return False
        await invite(
            conn,
            organisation_id=org_id,
            email=email,
            role=chosen,
            hub_id=hub_id,
            tenant_id=tenant_id,
        )
        return True

    if not run_in_transaction(create):
        click.echo(f"{email} is al uitgenodigd als {chosen.value}")
        return
    click.echo(f"{email} uitgenodigd als {chosen.value}")
    if send_mail:
        _mail_invitation(email)


def _mail_invitation(email: str) -> None:
    """Queue the invitation mail and deliver it now, so a wrong mail relay shows at once.

    A failed delivery is reported but does not fail the command: the mail stays in the
    outbox and the workers' mail sweep delivers it once the relay answers.
    """
    import smtplib

    from casushub.platform.database import create_app_engine
    from casushub.platform.mail import MailError, deliver_mail, queue_mail

    async def send() -> str:
        settings = get_settings()
        engine = create_app_engine(settings)
        try:
            mail_id = await queue_mail(engine, email.strip().lower(), "uitnodiging", "/werkruimte")
            try:
                await deliver_mail(engine, settings, mail_id)
            except (OSError, smtplib.SMTPException) as exc:
                return (
                    f"uitnodiging staat klaar maar kon nog niet worden verstuurd "
                    f"({type(exc).__name__}); de workers proberen het opnieuw"
                )
        finally:
            await engine.dispose()
        return f"uitnodiging gemaild naar {email}"

    try:
        click.echo(asyncio.run(send()))
    except MailError as exc:
        fail(str(exc))


@gebruikers.command("deactivate")
@click.argument("user_id", type=click.UUID)
def users_deactivate(user_id: uuid.UUID) -> None:
    """Zet een gebruiker uit; al zijn of haar sessies eindigen direct."""
    from casushub.platform.identity.memberships import deactivate_user

    async def off(conn: AsyncConnection) -> int:
        return await deactivate_user(conn, user_id)

    click.echo(f"gebruiker uitgezet; {run_in_transaction(off)} sessies beëindigd")
