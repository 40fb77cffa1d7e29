"""Reminders in a real worker: the daily housekeeping of a tenant mails the regie when a casus
review fell due and the owner of a restriction before its review date, once per due date; a
restriction not confirmed by its review date lapses. Time is set by the data (dates relative
to today), not waited for."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from datetime import date, timedelta

from privacykit import FreshTenant
from retentiekit import AGENT, REGIE, SYSTEEM
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from test_retention_worker import DEADLINE, worker  # noqa: F401 - the real worker fixture

from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.mail import MailMessage
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.items import voeg_item_toe
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.herinneringen.services import (
    beperkingen_te_melden,
    reviews_nieuw_te_melden,
)
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.verzoeken.beperkingen import beperk_inzage
from casushub.tenants.verzoeken.models import InzageBeperking
from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.tenants.weging.services import Aanwezige, WegingInvoer, weeg_signaal
from casushub.web.auth.testing import SignedIn, create_signed_in_session
from casushub.workers.actors import HOUSEKEEPING_TASKS, housekeeping_tenant
from casushub.workers.broker import configure
from casushub.workers.declare import send_for_tenant
from casushub.workers.herinneringen import beperking_herinneringen, review_herinneringen


async def _casus(
    session: AsyncSession, naam: str, intake: date, bron: uuid.UUID
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """An open casus taken in on ``intake`` (its review falls due a year later), with two
    items supplied by ``bron``."""
    signaal = await registreer_signaal(
        session, AGENT, NieuwSignaal(naam, "9801", "zorgen", bron, intake - timedelta(days=5))
    )
    weging = await weeg_signaal(
        session,
        REGIE,
        WegingInvoer(
            signaal_id=signaal.id,
            datum=intake - timedelta(days=1),
            aanwezigen=[
                Aanwezige(uuid.uuid4(), "gemeente"),
                Aanwezige(bron, "politie"),
                Aanwezige(uuid.uuid4(), "om"),
            ],
            criteria={k: Beoordeling("enige_zorg", "toelichting") for k in CRITERIA},
            redenering="samenhangend beeld",
            uitkomst="opname",
        ),
        vaststellen=True,
    )
    casus = await maak_casus(
        session,
        REGIE,
        weging_id=weging.id,
        regie_gemeente="9801",
        intake_datum=intake,
        deelnemers=[Deelnemer(bron, "politie")],
    )
    items = [
        await voeg_item_toe(
            session,
            SYSTEEM,
            casus_id=casus.id,
            tekst=f"gegeven {n}",
            bron_organisatie_id=bron,
            datum=intake,
            categorie="gewoon",
        )
        for n in (1, 2)
    ]
    return casus.id, [i.id for i in items]


async def _people(
    admin_engine: AsyncEngine, settings: Settings, tenant: TenantRef
) -> tuple[SignedIn, SignedIn]:
    regie = await create_signed_in_session(
        admin_engine, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant.id
    )
    agent = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant.id,
        organisation_type=OrganisationType.POLITIE,
    )
    return regie, agent


async def _email(admin_engine: AsyncEngine, signed: SignedIn) -> str:
    from casushub.platform.identity.models import User

    async with admin_engine.connect() as conn:
        return str(await conn.scalar(select(User.email).where(User.id == signed.user_id)))


async def _mails(admin_engine: AsyncEngine, recipient: str) -> list[tuple[str, str]]:
    async with admin_engine.connect() as conn:
        rows = await conn.execute(
            select(MailMessage.kind, MailMessage.link_path).where(
                MailMessage.recipient == recipient
            )
        )
        return sorted((row.kind, row.link_path) for row in rows)


def test_the_reminders_are_housekeeping_tasks() -> None:
    assert review_herinneringen in HOUSEKEEPING_TASKS
    assert beperking_herinneringen in HOUSEKEEPING_TASKS


async def test_reminders_are_found_once_per_due_date(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    bron = uuid.uuid4()
    eigenaar = Actor(uuid.uuid4(), bron, "participant")
    vandaag = date.today()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        overdue, items = await _casus(s, "Otto Over", vandaag - timedelta(days=400), bron)
        await _casus(s, "Nina Nieuw", vandaag - timedelta(days=10), bron)
        await beperk_inzage(
            s,
            eigenaar,
            item_soort="informatie_item",
            item_id=items[0],
            grond="opsporing",
            herzien_op=vandaag + timedelta(days=3),
        )
        await beperk_inzage(
            s,
            eigenaar,
            item_soort="informatie_item",
            item_id=items[1],
            grond="opsporing",
            herzien_op=vandaag + timedelta(days=60),
        )
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        assert await reviews_nieuw_te_melden(s, vandaag) == [overdue]
        beperkingen = await beperkingen_te_melden(s, vandaag)
        assert [(b.item_id, b.eigenaar_id) for b in beperkingen] == [(items[0], eigenaar.user_id)]
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        # The next day's run: nothing new (the same due dates).
        assert await reviews_nieuw_te_melden(s, vandaag + timedelta(days=1)) == []
        assert await beperkingen_te_melden(s, vandaag + timedelta(days=1)) == []


async def test_housekeeping_mails_regie_and_owner_and_lets_a_restriction_lapse(
    app_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
    worker: subprocess.Popen[str],  # noqa: F811 - the fixture imported above
) -> None:
    tenant = await fresh_tenant()
    regie, agent = await _people(admin_engine, settings, tenant)
    eigenaar = Actor(agent.user_id, agent.organisation_id, "participant")
    vandaag = date.today()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        casus_id, items = await _casus(
            s, "Rob Review", vandaag - timedelta(days=400), agent.organisation_id
        )
        bijna = await beperk_inzage(
            s,
            eigenaar,
            item_soort="informatie_item",
            item_id=items[0],
            grond="opsporing",
            herzien_op=vandaag + timedelta(days=2),
        )
        verlopen = await beperk_inzage(
            s,
            eigenaar,
            item_soort="informatie_item",
            item_id=items[1],
            grond="opsporing",
            herzien_op=vandaag + timedelta(days=2),
        )
        # Its review date passed yesterday without a confirmation.
        await s.execute(
            update(InzageBeperking)
            .where(InzageBeperking.id == verlopen.id)
            .values(herzien_op=vandaag - timedelta(days=1))
        )
        bijna_id, verlopen_id = bijna.id, verlopen.id
    configure(settings)
    await asyncio.to_thread(send_for_tenant, housekeeping_tenant, tenant)

    regie_mail = await _email(admin_engine, regie)
    agent_mail = await _email(admin_engine, agent)
    expected_regie = [("herinnering", f"/casusoverleg/casussen/{casus_id}")]
    expected_agent = [
        ("herinnering", f"/casusoverleg/casussen/{casus_id}/informatie/{items[0]}/inzage")
    ]
    deadline = time.monotonic() + DEADLINE
    while (
        await _mails(admin_engine, regie_mail) != expected_regie
        or await _mails(admin_engine, agent_mail) != expected_agent
    ):
        assert worker.poll() is None, "de worker is gestopt"
        assert time.monotonic() < deadline, (
            await _mails(admin_engine, regie_mail),
            await _mails(admin_engine, agent_mail),
        )
        await asyncio.sleep(0.5)
    async with tenant_session(app_engine, tenant, settings) as s:
        assert (await s.get_one(InzageBeperking, verlopen_id)).status == "vervallen"
        assert (await s.get_one(InzageBeperking, bijna_id)).status == "actief"
