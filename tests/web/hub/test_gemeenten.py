"""Municipality screens of the hub admin: overview, wizard, page, checklist, lifecycle."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.hub.models import Implementatiestap
from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.jobs import Job
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.web.auth.testing import SignedIn, create_signed_in_session
from hub.hubkit import MakeTenant, cookies

Client = AsyncTestClient[Litestar]
HX = {"HX-Request": "true"}


async def csrf(client: Client, path: str) -> str:
    await client.get(path)
    return client.cookies.get("casushub_csrf") or ""


async def test_overview_full_page_and_fragment(
    client: Client, hub_admin: SignedIn, hub_id: uuid.UUID, make_tenant: MakeTenant
) -> None:
    tenant = await make_tenant(hub_id)
    client.cookies.clear()
    client.cookies.update(cookies(hub_admin))
    page = await client.get("/hub/gemeenten")
    assert page.status_code == 200
    assert "<html" in page.text
    assert f"/hub/gemeenten/{tenant.id}" in page.text
    assert "0 van 6 stappen" in page.text
    fragment = await client.get("/hub/gemeenten", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert f"/hub/gemeenten/{tenant.id}" in fragment.text


async def test_wizard_errors_inline_input_kept_nothing_queued(
    client: Client,
    hub_admin: SignedIn,
    admin_engine: AsyncEngine,
    make_tenant: MakeTenant,
    hub_id: uuid.UUID,
) -> None:
    bestaand = await make_tenant(hub_id)
    client.cookies.clear()
    client.cookies.update(cookies(hub_admin))
    token = await csrf(client, "/hub/gemeenten/nieuw")
    async with admin_engine.connect() as conn:
        jobs_before = len((await conn.execute(select(Job.id))).all())
    form = {
        "naam": "Nieuwdorp",
        "gemeentecode": "12x",
        "slug": bestaand.slug,
        "contactpunt_functie": "",
        "contactpunt_postadres": "Postbus 1",
        "contactpunt_email": "geen-adres",
        "verwerkersovereenkomst": "VWO-1",
        "verwerkersovereenkomst_start": "31-02-2025",
        "situatie": "zvh",
        "bsn_toegestaan": "ja",
    }
    response = await client.post(
        "/hub/gemeenten/nieuw", data=form, headers={**HX, "x-csrftoken": token}
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert 'id="foutoverzicht"' in response.text
    assert "Vul een geldig e-mailadres in" in response.text
    assert "wettelijke grondslag" in response.text
    assert "dd-mm-jjjj, bijvoorbeeld" in response.text
    assert 'value="Nieuwdorp"' in response.text  # input kept
    # Duplicate slug is reported once the rest is valid.
    form.update(
        gemeentecode="0999" if bestaand.slug != "x" else "0998",
        contactpunt_functie="de burgemeester",
        contactpunt_email="cp@nieuwdorp.test",
        verwerkersovereenkomst_start="01-07-2025",
        bsn_grondslag="art. 1 testwet",
    )
    async with admin_engine.connect() as conn:
        code_bestaand = (
            await conn.execute(select(Tenant.gemeentecode).where(Tenant.id == bestaand.id))
        ).scalar_one()
    form["gemeentecode"] = code_bestaand
    form["slug"] = "nieuwdorp_uniek"
    response = await client.post("/hub/gemeenten/nieuw", data=form, headers={"x-csrftoken": token})
    assert response.status_code == 422
    assert "<html" in response.text
    assert "gemeentecode is al in gebruik" in response.text
    async with admin_engine.connect() as conn:
        assert len((await conn.execute(select(Job.id))).all()) == jobs_before


async def test_municipality_page_checklist_and_lifecycle(
    client: Client,
    hub_admin: SignedIn,
    hub_id: uuid.UUID,
    make_tenant: MakeTenant,
    admin_engine: AsyncEngine,
    settings: Settings,
) -> None:
    tenant = await make_tenant(hub_id)
    client.cookies.clear()
    client.cookies.update(cookies(hub_admin))
    page = await client.get(f"/hub/gemeenten/{tenant.id}")
    assert page.status_code == 200
    assert "actief" in page.text
    assert "Verwerkersovereenkomst" in page.text
    async with admin_engine.connect() as conn:
        stap = (
            await conn.execute(
                select(Implementatiestap.id)
                .where(Implementatiestap.tenant_id == tenant.id)
                .limit(1)
            )
        ).scalar_one()
    token = client.cookies.get("casushub_csrf") or await csrf(client, f"/hub/gemeenten/{tenant.id}")
    # "gereed" without a date: refused inline, as a fragment.
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/stappen/{stap}",
        data={"status": "gereed", "datum": "", "verplicht": "ja"},
        headers={**HX, "x-csrftoken": token},
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert "Vul de datum in" in response.text
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/stappen/{stap}",
        data={
            "status": "gereed",
            "datum": "01-09-2025",
            "verplicht": "ja",
            "verantwoordelijke": "Team",
        },
        headers={**HX, "x-csrftoken": token},
    )
    assert response.status_code == 200
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(select(Implementatiestap.status).where(Implementatiestap.id == stap))
        ).scalar_one() == "gereed"
    # Suspend, resume (twice resume is refused in Dutch), terminate with destruction date.
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/opschorten", headers={"x-csrftoken": token}
    )
    assert response.status_code == 200  # followed the 303
    assert "opgeschort" in response.text
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/hervatten", headers={"x-csrftoken": token}
    )
    assert "actief" in response.text
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/hervatten", headers={"x-csrftoken": token}
    )
    assert response.status_code == 409
    assert "Dit kan niet: de gemeente is actief." in response.text
    response = await client.post(
        f"/hub/gemeenten/{tenant.id}/beeindigen", headers={"x-csrftoken": token}
    )
    assert "wordt beëindigd" in response.text
    assert 'id="vernietigen-op"' in response.text
    async with admin_engine.connect() as conn:
        acties = set(
            (
                await conn.execute(
                    select(AdminAuditEntry.action).where(AdminAuditEntry.target == tenant.slug)
                )
            ).scalars()
        )
        export_job = (
            await conn.execute(select(Job.kind).where(Job.tenant_id == tenant.id))
        ).scalar_one()
    assert {"gemeente_opgeschort", "gemeente_hervat", "gemeente_beeindigd"} <= acties
    assert export_job == "tenants.export"


async def test_export_download_only_for_own_regie(
    client: Client,
    hub_admin: SignedIn,
    hub_id: uuid.UUID,
    make_tenant: MakeTenant,
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
) -> None:
    from casushub.crosstenant.lifecycle import exporteer

    eigen = await make_tenant(hub_id)
    ander = await make_tenant(hub_id)
    await exporteer(app_engine, settings, eigen)
    regie = await create_signed_in_session(admin_engine, settings, tenant_id=eigen.id)
    andere_regie = await create_signed_in_session(admin_engine, settings, tenant_id=ander.id)
    client.cookies.clear()
    client.cookies.update(cookies(regie))
    response = await client.get("/gemeente/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    client.cookies.clear()
    client.cookies.update(cookies(andere_regie))
    assert (await client.get("/gemeente/export")).status_code == 404
    client.cookies.clear()
    client.cookies.update(cookies(hub_admin))
    assert (await client.get("/gemeente/export")).status_code == 403
    async with admin_engine.connect() as conn:
        logged = (
            (
                await conn.execute(
                    select(AdminAuditEntry.actor_user_id).where(
                        AdminAuditEntry.action == "export_gedownload",
                        AdminAuditEntry.target == eigen.slug,
                    )
                )
            )
            .scalars()
            .all()
        )
    assert logged == [regie.user_id]
