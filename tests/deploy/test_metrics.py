"""/metrics: request counts by route template, registry figures, and a guarded endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_app_engine
from casushub.platform.migrate.revisions import tenant_head
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config
from casushub.web.metrics import read_figures

TOKEN = "metrics-token-0123456789"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(replace(settings, metrics_token=TOKEN))
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield client


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def _scrape(
    client: AsyncTestClient[Litestar],
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return _samples(response.text)


async def test_requests_are_counted_by_route_template(client: AsyncTestClient[Litestar]) -> None:
    before = await _scrape(client)
    for _ in range(3):
        assert (await client.get("/")).status_code == 200
    await client.get("/healthz")
    after = await _scrape(client)
    key = (
        "casushub_requests_total",
        (("app_name", "casushub"), ("method", "GET"), ("path", "/"), ("status_code", "200")),
    )
    assert after[key] - before.get(key, 0) == 3
    # Probes and the scrape itself are not traffic.
    assert not any(dict(labels).get("path") in {"/healthz", "/metrics"} for _, labels in after)
    assert any(name == "casushub_request_duration_seconds_count" for name, _ in after)


async def test_tenant_migration_figures_come_from_the_registry(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    behind = await create_tenant(
        admin_engine, settings, slug=f"m{code}", name="Gemeente M", gemeentecode=code, hub_slug=hub
    )
    before = await _scrape(client)
    assert before[("casushub_database_up", ())] == 1
    assert before[("casushub_platform_schema_at_head", ())] == 1
    assert before[("casushub_tenant_schema_head", (("revision", tenant_head()),))] == 1
    at_head = before[("casushub_tenant_schema_revision_tenants", (("revision", tenant_head()),))]
    assert at_head >= 1
    assert before[("casushub_tenants", (("status", "active"),))] >= 1
    # A tenant recorded at an old revision shows up as behind head.
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant).where(Tenant.id == behind.id).values(schema_revision="t0001")
        )
    try:
        after = await _scrape(client)
    finally:
        async with admin_engine.begin() as conn:
            await conn.execute(
                update(Tenant).where(Tenant.id == behind.id).values(schema_revision=tenant_head())
            )
    assert (
        after[("casushub_tenants_behind_head", ())]
        == before[("casushub_tenants_behind_head", ())] + 1
    )
    assert after[("casushub_tenant_schema_revision_tenants", (("revision", "t0001"),))] >= 1


async def test_metrics_need_the_token(client: AsyncTestClient[Litestar]) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    basic = await client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401


async def test_metrics_do_not_exist_in_production_without_a_token(settings: Settings) -> None:
    app = create_app(replace(settings, environment="production", metrics_token=""))
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        response = await client.get("/metrics")
    assert response.status_code == 404
    assert "casushub_" not in response.text


async def test_unreachable_database_is_reported_not_raised(settings: Settings) -> None:
    broken = replace(settings, app_database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    engine = create_app_engine(broken)
    try:
        figures = await read_figures(engine)
    finally:
        await engine.dispose()
    assert figures.database_up is False
    assert figures.tenants_by_status == {}


async def test_periodic_jobs_report_their_last_success(
    client: AsyncTestClient[Litestar], app_engine: AsyncEngine, admin_engine: AsyncEngine
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from casushub.workers.heartbeat import record_success

    await record_success(app_engine, "outbox.sweep")
    async with admin_engine.connect() as conn:
        active = (await conn.execute(select(Tenant.id).where(Tenant.status == "active"))).scalars()
        active_ids = list(active)
    assert active_ids
    for tenant_id in active_ids:
        await record_success(app_engine, "housekeeping.tenant", tenant_id)
    now = datetime.now(UTC).timestamp()
    fresh = await _scrape(client)
    assert abs(fresh[_periodic("outbox.sweep")] - now) < 60
    assert abs(fresh[_periodic("housekeeping.tenant")] - now) < 60
    # One municipality whose housekeeping last succeeded three days ago is what shows.
    async with admin_engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE platform.jobs SET finished_at = now() - interval '3 days' "
                "WHERE tenant_id = :t AND kind = 'periodiek:housekeeping.tenant'"
            ),
            {"t": active_ids[0]},
        )
    stale = await _scrape(client)
    assert abs(stale[_periodic("housekeeping.tenant")] - (now - 3 * 86400)) < 60
    assert abs(stale[_periodic("outbox.sweep")] - now) < 60
    # Recording again is one row per kind (and tenant), not a row per run.
    await record_success(app_engine, "outbox.sweep")
    async with admin_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT count(*) FROM platform.jobs WHERE kind = 'periodiek:outbox.sweep'")
        )
        assert rows.scalar_one() == 1


def _periodic(kind: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return ("casushub_periodic_last_success_timestamp_seconds", (("kind", kind),))


async def test_the_oldest_due_message_is_reported_per_queue(
    client: AsyncTestClient[Litestar], admin_engine: AsyncEngine
) -> None:
    import uuid

    from sqlalchemy import text

    queue = f"ops_{uuid.uuid4().hex[:8]}"
    insert = text(
        "INSERT INTO dramatiq.queue (message_id, queue_name, state, message, available_at) "
        "VALUES (:id, :q, 'queued', '{}'::jsonb, now() + make_interval(mins => :m))"
    )
    async with admin_engine.begin() as conn:
        await conn.execute(insert, {"id": uuid.uuid4(), "q": queue, "m": -10})
        await conn.execute(insert, {"id": uuid.uuid4(), "q": queue, "m": -3})
        # A retry waiting for its backoff is not stuck.
        await conn.execute(insert, {"id": uuid.uuid4(), "q": queue, "m": 60})
    try:
        figures = await _scrape(client)
        age = figures[("casushub_queue_oldest_message_age_seconds", (("queue", queue),))]
        assert 590 < age < 700
        async with admin_engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM dramatiq.queue WHERE queue_name = :q AND available_at < now()"),
                {"q": queue},
            )
        waiting_only = await _scrape(client)
        assert waiting_only[("casushub_queue_oldest_message_age_seconds", (("queue", queue),))] == 0
    finally:
        async with admin_engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM dramatiq.queue WHERE queue_name = :q"), {"q": queue}
            )


async def test_a_refusal_by_a_middleware_is_counted_with_its_status(
    client: AsyncTestClient[Litestar],
) -> None:
    """CSRF refuses inside the middleware stack and the app's handler answers 403 afterwards:
    the request is counted as the 403 the client got, not as 200."""
    path = "/casusoverleg/signalen/nieuw"
    before = await _scrape(client)
    refused = await client.post(path, data={"naam": "x"})
    assert refused.status_code == 403
    after = await _scrape(client)

    def key(status: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        labels = (("app_name", "casushub"), ("method", "POST"), ("path", path))
        return ("casushub_requests_total", (*labels, ("status_code", status)))

    assert after[key("403")] - before.get(key("403"), 0) == 1
    assert after.get(key("200"), 0) == before.get(key("200"), 0)
