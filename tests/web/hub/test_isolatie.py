"""Platform operator screens, and hub isolation for every hub admin route and the API.

A fresh database with two hubs (the shared test database must keep exactly one hub). The hub
admin of X asks for every object of Y through every hub route: each answers 404 (or 403), and
no list page of X shows anything of Y.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select

from casushub.crosstenant.onboarding import aanmelding_naar_params, meld_gemeente_aan
from casushub.platform.database import create_admin_engine
from casushub.platform.hub.api_tokens import maak_token
from casushub.platform.hub.casusoverleg import maak_casusoverleg
from casushub.platform.hub.models import Implementatiestap
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import Invitation, User
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.jobs import create_job
from casushub.platform.models import Hub
from casushub.web.app import create_app, session_config
from casushub.web.auth.testing import create_signed_in_session
from hub.hubkit import aanmelding, cookies

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def wereld(database_factory: Any) -> AsyncIterator[dict[str, Any]]:
    settings = await database_factory()
    engine = create_admin_engine(settings)
    app = create_app(settings)
    async with AsyncTestClient(app, session_config=session_config(settings)) as client:
        yield {"settings": settings, "engine": engine, "client": client, "app": app}
    await engine.dispose()


async def test_operator_creates_hubs_and_hub_admin_sees_only_own_hub(
    wereld: dict[str, Any],
) -> None:
    engine, settings = wereld["engine"], wereld["settings"]
    client: Client = wereld["client"]
    operator = await create_signed_in_session(engine, settings, role=Role.PLATFORM_OPERATOR)
    client.cookies.update(cookies(operator))
    assert (await client.get("/platform/hubs")).status_code == 200
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    for slug, naam in (("hubx", "Hub X"), ("huby", "Hub Y")):
        response = await client.post(
            "/platform/hubs",
            data={"naam": naam, "slug": slug, "type": "zvh", "contact": "info@hub.test"},
            headers=csrf,
        )
        assert response.status_code == 200
        assert naam in response.text
    dubbel = await client.post(
        "/platform/hubs", data={"naam": "Nog een", "slug": "hubx", "type": "zvh"}, headers=csrf
    )
    assert dubbel.status_code == 422
    assert "bestaat al een hub" in dubbel.text
    async with engine.connect() as conn:
        hubs = dict((await conn.execute(select(Hub.slug, Hub.id))).all())
    x, y = hubs["hubx"], hubs["huby"]
    edit = await client.post(
        f"/platform/hubs/{x}",
        data={"naam": "Hub X-regio", "type": "centrumgemeente", "contact": ""},
        headers=csrf,
    )
    assert "De hub is opgeslagen" in edit.text
    invited = await client.post(
        f"/platform/hubs/{x}/beheerder",
        data={"email": "beheer@hubx.test", "slug": "hubx_eigen"},
        headers=csrf,
    )
    assert invited.status_code == 200
    assert "uitgenodigd als hubbeheerder" in invited.text
    async with engine.connect() as conn:
        assert (
            await conn.execute(
                select(Invitation.role).where(Invitation.email == "beheer@hubx.test")
            )
        ).scalar_one() == "hub_admin"
    # Everything of hub Y.
    tenant = await meld_gemeente_aan(engine, settings, y, aanmelding("6201"))
    async with engine.begin() as conn:
        org_y = await create_organisation(
            conn,
            slug="pol_y",
            name="Politie Y-land",
            type="politie",
            email_domains=["poly.test"],
            hub_id=y,
        )
        user_y = (
            await conn.execute(
                insert(User)
                .values(
                    organisation_id=org_y,
                    issuer="https://y.test",
                    subject="y",
                    email="a@poly.test",
                    name="Agent Yvonne",
                )
                .returning(User.id)
            )
        ).scalar_one()
        invitation_y = await invite(
            conn,
            organisation_id=org_y,
            email="b@poly.test",
            role=Role.PARTICIPANT,
            tenant_id=tenant.id,
        )
        overleg_y = await maak_casusoverleg(conn, y, "Regio Ypsilon", [tenant.id])
        token_y, _ = await maak_token(conn, y, "token y", 10, None)
        stap_y = (
            await conn.execute(
                select(Implementatiestap.id)
                .where(Implementatiestap.tenant_id == tenant.id)
                .limit(1)
            )
        ).scalar_one()
    job_y = await create_job(
        engine,
        "tenants.provision",
        params={
            "hub_id": str(y),
            "slug": "x",
            "aanmelding": aanmelding_naar_params(aanmelding("6299")),
        },
    )
    ids = {
        "tenant_id": tenant.id,
        "stap_id": stap_y,
        "organisation_id": org_y,
        "overleg_id": overleg_y,
        "token_id": token_y,
        "user_id": user_y,
        "invitation_id": invitation_y,
        "job_id": job_y,
    }
    admin_x = await create_signed_in_session(
        engine, settings, role=Role.HUB_ADMIN, hub_id=x, organisation_type=OrganisationType.HUB
    )
    client.cookies.clear()
    client.cookies.update(cookies(admin_x))
    assert (await client.get("/platform/hubs")).status_code == 403
    await client.get("/hub/gemeenten")
    csrf = {"x-csrftoken": client.cookies.get("casushub_csrf") or ""}
    app: Litestar = wereld["app"]
    gecontroleerd = 0
    for route in app.routes:
        if not route.path.startswith("/hub/"):
            continue
        params = re.findall(r"{(\w+):\w+}", route.path)
        assert isinstance(route, HTTPRoute), f"{route.path}: not an HTTP route"
        for handler in route.route_handlers:
            for methode in handler.http_methods - {"OPTIONS", "HEAD"}:
                pad = route.path
                for param in params:
                    pad = re.sub(rf"{{{param}:\w+}}", str(ids[param]), pad)
                response = await client.request(
                    methode,
                    pad,
                    headers=csrf,
                    data={
                        "naam": "Gekaapt",
                        "status": "gereed",
                        "datum": "01-01-2026",
                        "tekst": "x" * 30,
                    }
                    if methode == "POST"
                    else None,
                )
                if params:
                    assert response.status_code in {403, 404}, (
                        methode,
                        route.path,
                        response.status_code,
                    )
                else:
                    for vreemd in (
                        "Gemeente 6201",
                        "Politie Y-land",
                        "Agent Yvonne",
                        "b@poly.test",
                        "Regio Ypsilon",
                        "token y",
                    ):
                        assert vreemd not in response.text, (methode, route.path, vreemd)
                gecontroleerd += 1
    assert gecontroleerd >= 25
    # Nothing of Y changed.
    async with engine.connect() as conn:
        assert (
            await conn.execute(
                select(Implementatiestap.status).where(Implementatiestap.id == stap_y)
            )
        ).scalar_one() == "open"
        assert (
            await conn.execute(select(User.active).where(User.id == user_y))
        ).scalar_one() is True
    # Y's municipality through the API with X's token: 404; token works for X.
    async with engine.begin() as conn:
        _, token_x = await maak_token(conn, x, "token x", 10, None)
    bearer = {"Authorization": f"Bearer {token_x}"}
    client.cookies.clear()
    for methode, pad in (
        ("GET", f"/api/v1/tenants/{tenant.id}"),
        ("GET", f"/api/v1/organisations/{org_y}"),
        ("PUT", f"/api/v1/organisations/{org_y}"),
        ("PUT", f"/api/v1/organisations/{org_y}/provider"),
        ("POST", f"/api/v1/users/{user_y}/deactivate"),
        ("GET", f"/api/v1/jobs/{job_y}"),
    ):
        body = (
            {"issuer": "https://a.test", "client_id": "c", "client_secret": "s"}
            if pad.endswith("provider")
            else {}
        )
        response = await client.request(methode, pad, json=body, headers=bearer)
        assert response.status_code == 404, pad
    for pad in ("/api/v1/tenants", "/api/v1/organisations", "/api/v1/users"):
        response = await client.get(pad, headers=bearer)
        assert response.status_code == 200
        assert str(tenant.id) not in response.text
        assert str(org_y) not in response.text
        assert str(user_y) not in response.text
