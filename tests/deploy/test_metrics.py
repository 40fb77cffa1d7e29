"""/metrics: request counts by route template, registry figures, and a guarded endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.database import create_app_engine
from casushub.platform.migrate import tenant_head
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
    unique_code,
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
