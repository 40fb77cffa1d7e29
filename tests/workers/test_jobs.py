"""Long work as jobs: provisioning and migrating all tenants, with visible progress."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from dramatiq import Broker
from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from workerkit import StartWorker, broker_settings, wait_for_job

from casushub.platform.database import create_app_engine
from casushub.platform.jobs import (
    Job,
    create_job,
    fail_job,
    get_job,
    report_progress,
    start_job,
    unsent_jobs,
)
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.jobs import job_progress
from casushub.web.tenancy import ACTIVE_TENANT_KEY
from casushub.workers.actors import jobs_sweep
from casushub.workers.broker import configure
from casushub.workers.enqueue import start_migrate_all, start_provision

TEMPLATES = __import__("casushub.web", fromlist=["x"]).__path__[0] + "/templates"


async def test_provisioning_job_creates_the_tenant_with_progress(
    broker: Broker,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    start_worker()
    job_id = await start_provision(
        app_engine, slug=f"prov_{code}", name=f"Gemeente P{code}", gemeentecode=code, hub_slug=hub
    )
    job = await wait_for_job(app_engine, job_id)
    assert (job.done, job.total) == (2, 2)
    assert job.message == f"Gemeente prov_{code} aangemaakt"
    async with app_engine.connect() as conn:
        status = (
            await conn.execute(select(Tenant.status).where(Tenant.slug == f"prov_{code}"))
        ).scalar()
    assert status == "active"

    # Bad input ends the job with the registry's Dutch message, without retries.
    again = await start_provision(
        app_engine, slug=f"prov_{code}", name="Dubbel", gemeentecode=unique_code(), hub_slug=hub
    )
    failed = await wait_for_job(app_engine, again, status="failed")
    assert "bestaat al" in failed.message


async def test_migrate_all_job_reports_done(
    broker: Broker, start_worker: StartWorker, app_engine: AsyncEngine, tenant_a: TenantRef
) -> None:
    start_worker()
    job_id = await start_migrate_all(app_engine)
    job = await wait_for_job(app_engine, job_id, status=("done", "failed"))
    # Other tests in the session may leave a tenant that cannot migrate on purpose: then the
    # job fails and names it; either way it finished in one attempt with a Dutch summary.
    if job.status == "done":
        assert "bijgewerkt" in job.message
    else:
        assert "niet bijgewerkt:" in job.message
    assert job.attempts == 1


@pytest.fixture
async def fragment_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """Only the fragment route, so this test is about the fragment, not sign-in."""
    session = ServerSideSessionConfig()

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        # The client runs the app on its own event loop: the engine must be made there.
        app.state.engine = create_app_engine(settings)
        try:
            yield
        finally:
            await app.state.engine.dispose()

    app = Litestar(
        lifespan=[database],
        route_handlers=[job_progress],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        plugins=[HTMXPlugin()],
        middleware=[session.middleware],
        state=State(),
    )
    async with AsyncTestClient(app, session_config=session) as client:
        yield client


def _progress(html: str) -> dict[str, str]:
    match = re.search(r"<progress([^>]*)>", html)
    assert match is not None, html
    return dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))


async def test_progress_fragment_is_accessible_and_stops_polling(
    fragment_client: AsyncTestClient[Litestar], app_engine: AsyncEngine
) -> None:
    job_id = await create_job(app_engine, "tenants.migrate_all")
    queued = await fragment_client.get(f"/jobs/{job_id}")
    assert queued.status_code == 200
    assert "In de wachtrij" in queued.text
    assert "value" not in _progress(queued.text)  # indeterminate until a total is known

    await start_job(app_engine, job_id)
    await report_progress(app_engine, job_id, 3, 12)
    running = await fragment_client.get(f"/jobs/{job_id}")
    bar = _progress(running.text)
    assert (bar["max"], bar["value"]) == ("12", "3")
    assert f'<label for="{bar["id"]}">Gemeenteschema' in running.text
    assert "Bezig: 3 van 12" in running.text

    await fail_job(app_engine, job_id, "2 gemeenten niet bijgewerkt: a, b")
    failed = await fragment_client.get(f"/jobs/{job_id}")
    assert failed.status_code == 286  # htmx stops polling
    assert "Mislukt: 2 gemeenten niet bijgewerkt" in failed.text


async def test_tenant_job_is_invisible_outside_its_tenant(
    fragment_client: AsyncTestClient[Litestar],
    app_engine: AsyncEngine,
    tenant_a: TenantRef,
    tenant_b: TenantRef,
) -> None:
    job_id = await create_job(app_engine, "probe.count", tenant_id=tenant_a.id)
    await fragment_client.set_session_data({ACTIVE_TENANT_KEY: str(tenant_b.id)})
    assert (await fragment_client.get(f"/jobs/{job_id}")).status_code == 404
    await fragment_client.set_session_data({ACTIVE_TENANT_KEY: str(tenant_a.id)})
    assert (await fragment_client.get(f"/jobs/{job_id}")).status_code == 200
    assert (await fragment_client.get(f"/jobs/{uuid.uuid4()}")).status_code == 404


async def test_a_job_sent_while_the_broker_is_down_is_sent_by_the_sweep(
    settings: Settings,
    start_worker: StartWorker,
    app_engine: AsyncEngine,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    """The admin's action is kept when the broker refuses the message: the job stays queued
    (and says so), and ``jobs.sweep`` sends it once the broker is back."""
    # A real RabbitMQ client pointed at a port where nothing listens: the send fails.
    configure(replace(settings, broker_url="amqp://guest:guest@127.0.0.1:1/%2F"))
    code = unique_code()
    job_id = await start_provision(
        app_engine, slug=f"later_{code}", name=f"Gemeente L{code}", gemeentecode=code, hub_slug=hub
    )
    queued = await get_job(app_engine, job_id)
    assert queued is not None
    assert (queued.status, queued.attempts) == ("queued", 0)
    assert queued.status_text == "In de wachtrij"

    configure(broker_settings(settings, "postgres"))  # the broker is back
    assert job_id not in {j for j, _ in await unsent_jobs(app_engine)}  # too young to resend
    async with app_engine.begin() as conn:
        await conn.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(created_at=Job.created_at - timedelta(minutes=10))
        )
    assert (job_id, "tenants.provision") in await unsent_jobs(app_engine)
    start_worker()
    jobs_sweep.send()
    job = await wait_for_job(app_engine, job_id)
    assert job.message == f"Gemeente later_{code} aangemaakt"
    assert job.attempts == 1
    assert job_id not in {j for j, _ in await unsent_jobs(app_engine)}
