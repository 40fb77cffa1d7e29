"""Background work of the contactpunt, per tenant.

- The daily watch (``verzoeken_bewaking``) joins each tenant's housekeeping: deadlines about
  to pass or passed, unanswered consultations, restrictions due for review (and lapsing when
  not confirmed), hand-overs still open. New reminders go by e-mail to the tenant's
  contactpunt staff — a fixed text and a link, never personal data.
- ``verzoeken.ontvangst_bevestigen`` sends the person who filed a request its receipt number
  and deadline (straight over SMTP: a citizen's address stays in the tenant schema).
- ``verzoeken.rectificatie_melden`` tells every recipient of a corrected value, after the
  rectification committed (it is sent from the tenant outbox).

Imported through ``broker.ACTOR_MODULES``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.models import Membership, User
from casushub.platform.identity.roles import Role
from casushub.platform.klok import vandaag
from casushub.platform.mail import MailError, queue_mail, send_direct
from casushub.platform.models import Tenant
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken.bevestiging import bevestiging
from casushub.tenants.verzoeken.bewaking import bewaak
from casushub.tenants.verzoeken.models import RectificatieMelding, Verzoek
from casushub.tenants.verzoeken.rectificatie import MELD_ACTOR
from casushub.tenants.verzoeken.services import BEVESTIG_ACTOR
from casushub.tenants.verzoeken.verzoek import DOEL, GEGEVENSGROEP
from casushub.workers.actors import HOUSEKEEPING_TASKS, mail_deliver
from casushub.workers.declare import TenantJob, tenant_actor

__all__ = ["ontvangst_bevestigen", "rectificatie_melden", "verzoeken_bewaking"]

log = logging.getLogger(__name__)
CONTACTPUNT_LINK = "/contactpunt-taken"


async def _adressen(
    engine: AsyncEngine,
    tenant_id: uuid.UUID,
    *,
    user_ids: set[uuid.UUID] | None = None,
    rol: Role | None = None,
) -> dict[uuid.UUID, str]:
    """Work e-mail addresses of active users in this tenant (by id, or by role)."""
    query = (
        select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, User.active.is_(True), User.email != "")
        .distinct()
    )
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    if rol is not None:
        query = query.where(Membership.role == rol.value)
    async with engine.connect() as conn:
        return {row.id: row.email for row in await conn.execute(query)}


async def _mail(engine: AsyncEngine, adres: str, soort: str, link: str) -> uuid.UUID | None:
    try:
        mail_id = await queue_mail(engine, adres, soort, link)
    except MailError:
        log.warning("mail not queued: unusable address")
        return None
    await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
    return mail_id


async def verzoeken_bewaking(job: TenantJob) -> None:
    """Daily: raise reminders and let unconfirmed restrictions lapse; mail the contactpunt."""
    actor = Actor.system(f"verzoeken:{job.message_id}")
    uit = await bewaak(job.session, actor, vandaag())
    if uit.herinneringen:
        engine = job.runtime.app_engine
        for adres in (await _adressen(engine, job.tenant.id, rol=Role.CONTACTPUNT)).values():
            await _mail(engine, adres, "herinnering", CONTACTPUNT_LINK)
    log.info(
        "verzoeken watch",
        extra={
            "tenant": job.tenant.slug,
            "herinneringen": len(uit.herinneringen),
            "beperkingen_vervallen": uit.vervallen,
        },
    )


@tenant_actor(MELD_ACTOR, max_retries=8)
async def rectificatie_melden(job: TenantJob, rectificatie_id: str) -> None:
    """Mail each recipient of the old value that a correction waits for them."""
    meldingen = (
        await job.session.scalars(
            select(RectificatieMelding).where(
                RectificatieMelding.rectificatie_id == uuid.UUID(rectificatie_id),
                RectificatieMelding.status == "open",
            )
        )
    ).all()
    users = {m.user_id for m in meldingen if m.user_id is not None}
    adressen = await _adressen(job.runtime.app_engine, job.tenant.id, user_ids=users)
    nu = datetime.now(UTC)
    for melding in meldingen:
        adres = adressen.get(melding.user_id) if melding.user_id else None
        if adres is None:
            # No personal address known (e.g. a system or departed user): the contactpunt
            # informs the organisation itself; the task stays visible as such.
            melding.status = "geen_adres"
            continue
        melding.mail_id = await _mail(
            job.runtime.app_engine,
            adres,
            "taak",
            f"{CONTACTPUNT_LINK}/rectificatie/{rectificatie_id}",
        )
        melding.status = "gemeld" if melding.mail_id else "geen_adres"
        melding.gemeld_op = nu


@tenant_actor(BEVESTIG_ACTOR, max_retries=8)
async def ontvangst_bevestigen(job: TenantJob, verzoek_id: str) -> None:
    """Mail the submitter its receipt number and deadline; nothing else about the request."""
    found = await job.session.get(Verzoek, uuid.UUID(verzoek_id))
    if found is None or not found.indiener_email:
        return  # withdrawn or moved before the mail went out: nothing to confirm here
    async with job.runtime.app_engine.connect() as conn:
        gemeente = await conn.scalar(select(Tenant.name).where(Tenant.id == job.tenant.id))
    mail = bevestiging(
        nummer=found.ontvangstnummer, termijn=found.termijn, gemeente=gemeente or "de gemeente"
    )
    try:
        await send_direct(
            job.runtime.settings, job.message_id, found.indiener_email, mail.onderwerp, mail.tekst
        )
    except MailError:
        log.warning("confirmation not sent: unusable address")
        return
    await record(
        job.session,
        Actor.system(f"verzoeken:{job.message_id}"),
        actie=Actie.EXPORT,
        gegevensgroep=GEGEVENSGROEP,
        doel=DOEL,
        persoon_id=found.persoon_id,
        detail=f"verzoek={found.id};ontvangstbevestiging verstuurd",
    )


if verzoeken_bewaking not in HOUSEKEEPING_TASKS:
    HOUSEKEEPING_TASKS.append(verzoeken_bewaking)
