"""The web skeleton: probes, headers, Dutch error pages, the tenant gate."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.logs import configure_logging
from casushub.platform.models import Tenant
from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.testing import SignedIn


async def test_healthz_and_readyz(client: AsyncTestClient[Litestar]) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


async def test_readyz_refuses_a_platform_schema_behind_the_code(
    database_factory: Callable[[], Awaitable[Settings]],
) -> None:
    """Behind (or unrecognisable) is unready; a newer revision is what a rolling upgrade
    leaves the old pods with, and they keep serving (expand/contract)."""
    settings = await database_factory()
    from casushub.platform.database import create_admin_engine
    from casushub.platform.migrate.revisions import platform_head
    from casushub.web.app import create_app

    head = platform_head()
    newer = f"p{int(head[1:]) + 1:04d}"
    engine = create_admin_engine(settings)
    seen = {}
    try:
        for revision in ("oud", "p0001", newer, head):
            async with engine.begin() as conn:
                await conn.exec_driver_sql(
                    "UPDATE platform.alembic_version SET version_num = $1", (revision,)
                )
            async with AsyncTestClient(create_app(settings)) as client:
                response = await client.get("/readyz")
            seen[revision] = (response.status_code, response.json()["status"])
    finally:
        await engine.dispose()
    assert seen["oud"] == seen["p0001"] == (503, "platform-schema niet bijgewerkt")
    assert seen[newer] == seen[head] == (200, "ok")


async def test_start_page_is_dutch_with_strict_security_headers(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "casusoverleg" in response.text
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]
    assert "strict-transport-security" not in response.headers  # plain http here


async def test_hsts_behind_tls(app: Litestar) -> None:
    async with AsyncTestClient(app, base_url="https://testserver.local") as client:
        response = await client.get("/healthz")
    assert "max-age=" in response.headers["strict-transport-security"]


async def test_htmx_is_served_locally(client: AsyncTestClient[Litestar]) -> None:
    page = (await client.get("/")).text
    assert 'src="/static/vendor/htmx.min.js"' in page
    script = await client.get("/static/vendor/htmx.min.js")
    assert script.status_code == 200
    assert "htmx" in script.text
    assert "2.0." in script.text


async def test_not_found_is_a_dutch_page_or_problem_json(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/bestaat-niet", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "Pagina niet gevonden" in page.text
    api = await client.get("/api/v1/bestaat-niet")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["status"] == 404
    assert api.json()["title"] == "Pagina niet gevonden"


async def test_workspace_needs_an_active_tenant(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/werkruimte", headers={"accept": "text/html"})
    assert response.status_code == 401
    assert "niet ingelogd" in response.text


async def test_workspace_of_the_active_tenant(
    client: AsyncTestClient[Litestar],
    tenant_a: TenantRef,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    await sign_in_as(client, tenant_a)
    response = await client.get("/werkruimte")
    assert response.status_code == 200
    assert "Te wegen signalen" in response.text
    assert 'href="/contactpunt-taken"' in response.text


async def test_tenant_not_at_head_gets_dutch_maintenance_page(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    unique_code: Callable[[], str],
    hub: str,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"achter{code}",
        name="Achterstand",
        gemeentecode=code,
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant).where(Tenant.id == tenant.id).values(schema_revision="t0000")
        )
    await sign_in_as(client, tenant)
    response = await client.get("/werkruimte", headers={"accept": "text/html"})
    assert response.status_code == 503
    assert "onderhoud" in response.text
    assert response.headers["retry-after"] == "120"


async def test_suspended_tenant_is_not_served(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    unique_code: Callable[[], str],
    hub: str,
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"geschorst{code}",
        name="Geschorst",
        gemeentecode=code,
        hub_slug=hub,
    )
    async with admin_engine.begin() as conn:
        await conn.execute(update(Tenant).where(Tenant.id == tenant.id).values(status="suspended"))
    await sign_in_as(client, tenant)
    response = await client.get("/werkruimte")
    assert response.status_code == 503


async def test_unexpected_error_shows_no_traceback(
    client: AsyncTestClient[Litestar],
    admin_engine: AsyncEngine,
    settings: Settings,
    unique_code: Callable[[], str],
    hub: str,
    capsys: pytest.CaptureFixture[str],
    sign_in_as: Callable[..., Awaitable[SignedIn]],
) -> None:
    configure_logging(settings)  # bind the JSON log handler to the captured stdout
    code = unique_code()
    tenant = await create_tenant(
        admin_engine, settings, slug=f"kapot{code}", name="Kapot", gemeentecode=code, hub_slug=hub
    )
    async with admin_engine.begin() as conn:
        await conn.exec_driver_sql(f"DROP TABLE {tenant.schema}.casus CASCADE")
    await sign_in_as(client, tenant)
    response = await client.get("/werkruimte", headers={"accept": "text/html"})
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text
    assert "Traceback" not in response.text
    assert tenant.schema not in response.text
    assert "relation" not in response.text
    request_id = response.headers["x-request-id"]
    assert request_id in response.text
    out = capsys.readouterr().out.splitlines()
    logged = [json.loads(line) for line in out if line.startswith("{")]
    errors = [entry for entry in logged if entry["logger"] == "casushub.errors"]
    assert errors
    assert errors[-1]["request_id"] == request_id
    assert "Traceback" in errors[-1]["exception"]


async def test_unknown_path_carries_the_security_headers(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/bestaat-echt-niet", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
