"""The hub's processor duties at the end of a municipality's agreement, in a real worker: the
export job tells the municipality's regie by e-mail (no personal data) that the export is
ready, the regie finds it on its own page while hub staff are refused, and once the period
has passed the scheduler's daily job destroys the hub's copy (idempotent, logged, the
registry row kept as the receipt). Time is set by the data (the destruction date is moved
into the past), not waited for."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta

import pytest
from dbkit import casushub_worker
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.lifecycle import beeindig, export_dir, vernietig_beeindigde
from casushub.platform.identity.models import AdminAuditEntry, User
from casushub.platform.identity.roles import Role
from casushub.platform.mail import MailMessage
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.personen.models import Persoon
from casushub.web.app import SESSION_COOKIE, create_app, session_config
from casushub.web.auth.testing import create_signed_in_session
from casushub.workers.broker import configure
from casushub.workers.enqueue import start_job_work
from casushub.workers.lifecycle import lifecycle_vernietig
from casushub.workers.scheduler import _schedule

DEADLINE = 90.0


@pytest.fixture
def worker(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    with casushub_worker(settings) as process:
        yield process


def test_the_scheduler_runs_the_destruction_daily() -> None:
    names = [name for name, _trigger in _schedule(Settings.from_env())]
    assert "lifecycle.vernietig" in names


async def _until(
    check: Callable[[], Awaitable[bool]], worker: subprocess.Popen[str], what: str
) -> None:
    deadline = time.monotonic() + DEADLINE
    while not await check():
        assert worker.poll() is None, "de worker is gestopt"
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.5)


async def test_termination_export_notice_and_destruction_in_a_real_worker(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    worker: subprocess.Popen[str],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine, settings, hub_slug=hub, slug=f"stop{code}", name="Stopstad", gemeentecode=code
    )
    regie = await create_signed_in_session(
        admin_engine, settings, role=Role.GEMEENTE_REGIE, tenant_id=tenant.id
    )
    regisseur = await create_signed_in_session(
        admin_engine, settings, role=Role.PROCESREGISSEUR, tenant_id=tenant.id
    )
    async with admin_engine.connect() as conn:
        regie_mail = await conn.scalar(select(User.email).where(User.id == regie.user_id))
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        session.add(Persoon(naam="Stoppersoon", gemeente_van_verblijf=code))
    async with admin_engine.begin() as conn:
        await beeindig(conn, tenant.id, settings, date.today())

    configure(settings)
    await start_job_work(app_engine, "tenants.export", tenant_id=tenant.id)

    async def told() -> bool:
        async with admin_engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(MailMessage.kind, MailMessage.link_path).where(
                        MailMessage.recipient == regie_mail
                    )
                )
            ).all()
        return [tuple(r) for r in rows] == [("export", "/gemeente/beeindiging")]

    await _until(told, worker, "geen e-mail aan de regie over de export")
    assert list(export_dir(settings, tenant.slug).glob("export-*.zip"))

    app = create_app(settings)
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        client.cookies.set(SESSION_COOKIE, regie.cookie)
        page = await client.get("/gemeente/beeindiging")
        assert page.status_code == 200
        assert "Export downloaden" in page.text
        assert "Stoppersoon" not in page.text
        download = await client.get("/gemeente/export")
        assert download.status_code == 200
        assert download.headers["content-type"] == "application/zip"
        # The werkruimte leads there; case screens are closed, and their refusal says where
        # the export is.
        werkruimte = await client.get("/werkruimte")
        assert werkruimte.status_code == 200
        assert 'href="/gemeente/beeindiging"' in werkruimte.text
        dicht = await client.get("/casusoverleg")
        assert dicht.status_code == 503
        assert 'href="/gemeente/beeindiging"' in dicht.text
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        # Hub staff lost access at termination.
        client.cookies.set(SESSION_COOKIE, regisseur.cookie)
        assert (await client.get("/casusoverleg")).status_code in {403, 503}
        assert (await client.get("/gemeente/beeindiging")).status_code == 403

    # The termination period has passed: the scheduler's daily job destroys the hub's copy.
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(vernietigen_op=date.today() - timedelta(days=1))
        )
    await asyncio.to_thread(lifecycle_vernietig.send)

    async def destroyed() -> bool:
        async with admin_engine.connect() as conn:
            status = await conn.scalar(select(Tenant.status).where(Tenant.id == tenant.id))
        return status == "terminated"

    await _until(destroyed, worker, "de kopie van de hub is niet vernietigd")
    async with admin_engine.connect() as conn:
        receipt = (await conn.execute(select(Tenant).where(Tenant.id == tenant.id))).one()
        schema = await conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": tenant.schema}
        )
        logged = await conn.scalar(
            select(func.count())
            .select_from(AdminAuditEntry)
            .where(
                AdminAuditEntry.action == "gemeente_vernietigd",
                AdminAuditEntry.target == tenant.slug,
            )
        )
    assert receipt.vernietigd_op is not None
    assert schema.first() is None
    assert logged == 1
    assert not list(export_dir(settings, tenant.slug).glob("*.zip"))
    # Idempotent: another run finds nothing more to do for it.
    assert tenant.slug not in await vernietig_beeindigde(admin_engine, settings, date.today())
    async with admin_engine.connect() as conn:
        again = await conn.scalar(
            select(func.count())
            .select_from(AdminAuditEntry)
            .where(
                AdminAuditEntry.action == "gemeente_vernietigd",
                AdminAuditEntry.target == tenant.slug,
            )
        )
    assert again == 1
