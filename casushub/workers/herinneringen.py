"""Daily reminders by e-mail, part of each tenant's housekeeping (``HOUSEKEEPING_TASKS``):

- the municipality's regie when a casus review falls due (a link to the casus);
- the owner of an "inzage beperkt" restriction before its review date (a link to the item's
  restriction screen), so it is confirmed in time or knowingly left to lapse.

A fixed text and a link of ids, never personal data (``platform.mail``). Each reminder is sent
once per due date (``tenants.herinneringen``). Imported through ``broker.ACTOR_MODULES``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform import klok
from casushub.platform.identity.models import Membership, User
from casushub.platform.identity.roles import Role
from casushub.platform.mail import MailError, queue_mail
from casushub.tenants.herinneringen.services import (
    BeperkingHerinnering,
    beperkingen_te_melden,
    reviews_nieuw_te_melden,
)
from casushub.workers.actors import HOUSEKEEPING_TASKS, mail_deliver
from casushub.workers.declare import TenantJob

__all__ = ["beperking_herinneringen", "review_herinneringen"]

log = logging.getLogger(__name__)
RAADPLEGINGEN = "/contactpunt-taken/raadplegingen"


async def _adressen(
    engine: AsyncEngine,
    tenant_id: uuid.UUID,
    *,
    rol: Role | None = None,
    user_id: uuid.UUID | None = None,
    organisatie_id: uuid.UUID | None = None,
) -> list[str]:
    """Work addresses of active users with a membership in this tenant (filtered)."""
    query = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, User.active.is_(True), User.email != "")
        .distinct()
        .order_by(User.email)
    )
    if rol is not None:
        query = query.where(Membership.role == rol.value)
    if user_id is not None:
        query = query.where(User.id == user_id)
    if organisatie_id is not None:
        query = query.where(Membership.organisation_id == organisatie_id)
    async with engine.connect() as conn:
        return list((await conn.execute(query)).scalars())


async def _mail(engine: AsyncEngine, adres: str, link: str) -> None:
    try:
        mail_id = await queue_mail(engine, adres, "herinnering", link)
    except MailError:
        log.warning("reminder not queued: unusable address")
        return
    await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))


async def review_herinneringen(job: TenantJob) -> None:
    """Mail the regie once for each casus whose necessity review fell due."""
    casussen = await reviews_nieuw_te_melden(job.session, klok.vandaag())
    engine = job.runtime.app_engine
    adressen = await _adressen(engine, job.tenant.id, rol=Role.GEMEENTE_REGIE) if casussen else []
    for casus_id in casussen:
        for adres in adressen:
            await _mail(engine, adres, f"/casusoverleg/casussen/{casus_id}")
    log.info(
        "review reminders",
        extra={"tenant": job.tenant.slug, "casussen": len(casussen), "ontvangers": len(adressen)},
    )


def _link(herinnering: BeperkingHerinnering) -> str:
    if herinnering.item_soort == "informatie_item" and herinnering.casus_id is not None:
        return (
            f"/casusoverleg/casussen/{herinnering.casus_id}/informatie/{herinnering.item_id}/inzage"
        )
    return RAADPLEGINGEN


async def beperking_herinneringen(job: TenantJob) -> None:
    """Mail the owner of each restriction whose review date is near (its organisation's
    users in this tenant when the person who asked has no address any more)."""
    herinneringen = await beperkingen_te_melden(job.session, klok.vandaag())
    engine = job.runtime.app_engine
    for herinnering in herinneringen:
        adressen: list[str] = []
        if herinnering.eigenaar_id is not None:
            adressen = await _adressen(engine, job.tenant.id, user_id=herinnering.eigenaar_id)
        if not adressen:
            adressen = await _adressen(
                engine, job.tenant.id, organisatie_id=herinnering.organisatie_id
            )
        for adres in adressen:
            await _mail(engine, adres, _link(herinnering))
    log.info(
        "restriction reminders",
        extra={"tenant": job.tenant.slug, "beperkingen": len(herinneringen)},
    )


for _task in (review_herinneringen, beperking_herinneringen):
    if _task not in HOUSEKEEPING_TASKS:
        HOUSEKEEPING_TASKS.append(_task)
