"""The regie's overgangsvoorraad screens: upload, dry run per row, confirm, weigh."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.platform.jobs import get_job
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.overgang.inlezen import lees_batch, rond_import_af
from casushub.tenants.overgang.models import Overgangsimport, Overgangszaak
from casushub.web.app import CSRF_COOKIE, CSRF_HEADER

FreshTenant = Callable[[], Awaitable[TenantRef]]


def _token(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


async def test_regie_uploads_checks_confirms_and_sees_the_list(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    await sign_in_as(client, tenant, Role.GEMEENTE_REGIE)
    pagina = await client.get("/overgang")
    assert pagina.status_code == 200
    assert "Geen zaken om te wegen" in pagina.text
    voorbeeld = await client.get("/overgang/bestanden/voorbeeld.csv")
    assert voorbeeld.status_code == 200
    assert "attachment" in voorbeeld.headers["content-disposition"]
    assert (await client.get("/overgang/bestanden/sjabloon.json")).status_code == 200
    assert (await client.get("/overgang/bestanden/iets.exe")).status_code == 404
    assert (await client.get("/overgang/formaat")).status_code == 200

    # A file that cannot be read: 422 with the Dutch message, the page intact.
    fout = await client.post(
        "/overgang/proef",
        files={"bestand": ("zaken.csv", b"naam\nx\n", "text/csv")},
        headers={CSRF_HEADER: str(client.cookies[CSRF_COOKIE])},
    )
    assert fout.status_code == 422
    assert "mist de kolom" in fout.text

    proef = await client.post(
        "/overgang/proef",
        files={"bestand": ("voorbeeld.csv", voorbeeld.content, "text/csv")},
        headers={CSRF_HEADER: str(client.cookies[CSRF_COOKIE])},
        follow_redirects=False,
    )
    assert proef.status_code == 303
    rapport = await client.get(proef.headers["location"])
    assert "Alle rijen zijn in orde." in rapport.text
    assert "2 zaken inlezen" in rapport.text
    async with tenant_session(app_engine, tenant, settings) as s:
        assert await s.scalar(select(func.count()).select_from(Overgangszaak)) == 0
    import_id = uuid.UUID(proef.headers["location"].rsplit("/", 1)[1])
    bevestigd = await client.post(
        f"/overgang/imports/{import_id}/bevestigen",
        data={"_csrf_token": _token(rapport.text)},
        follow_redirects=False,
    )
    assert bevestigd.status_code == 303
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        upload = await s.get(Overgangsimport, import_id)
        assert upload is not None
        assert upload.status == "bevestigd"
        assert upload.job_id is not None
        job_id = upload.job_id
    job = await get_job(app_engine, job_id)
    assert job is not None
    assert job.tenant_id == tenant.id
    voortgang = await client.get(f"/overgang/imports/{import_id}")
    assert f"/jobs/{job_id}" in voortgang.text
    # The worker's work, done here: the job test runs it in a real worker.
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        await lees_batch(s, import_id, 0, 10)
        await rond_import_af(s, import_id)
    lijst = await client.get("/overgang")
    assert "Fictief Voorbeeld" in lijst.text
    zaak_link = re.search(r'href="(/overgang/zaken/[^"]+/weging)"', lijst.text)
    assert zaak_link
    weging = await client.get(zaak_link.group(1))
    assert weging.status_code == 200
    # No legal choice is made for the user: no outcome checked, no assessment selected.
    assert " checked" not in weging.text
    assert re.search(r"<option value=\"[a-z_]+\" selected", weging.text) is None
    onvolledig = await client.post(
        zaak_link.group(1),
        data={"_csrf_token": _token(weging.text), "datum": "31-02-2026", "redenering": "bewaard"},
    )
    assert onvolledig.status_code == 422
    assert "bewaard" in onvolledig.text
    werkruimte = await client.get("/werkruimte")
    assert '>zaken uit het convenant te wegen<span class="visually-hidden">: 2</span>' in (
        werkruimte.text
    )


async def test_participant_has_no_access_to_the_transition_screens(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    await sign_in_as(client, tenant, Role.PARTICIPANT)
    assert (await client.get("/overgang")).status_code == 403
    assert (await client.get(f"/overgang/imports/{uuid.uuid4()}")).status_code == 403


async def _overeenkomst(admin_engine: AsyncEngine, tenant: TenantRef, eind: date | None) -> None:
    async with admin_engine.begin() as conn:
        await conn.execute(
            update(Tenant)
            .where(Tenant.id == tenant.id)
            .values(verwerkersovereenkomst_start=date(2025, 7, 1), verwerkersovereenkomst_eind=eind)
        )


async def test_hub_admin_uploads_for_a_municipality_while_the_agreement_runs(
    client: AsyncTestClient[Litestar],
    sign_in_as: Callable[..., Awaitable[Any]],
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: FreshTenant,
) -> None:
    tenant = await fresh_tenant()
    await _overeenkomst(admin_engine, tenant, None)
    async with admin_engine.connect() as conn:
        hub_id = await conn.scalar(select(Tenant.hub_id).where(Tenant.id == tenant.id))
    await sign_in_as(client, None, Role.HUB_ADMIN, hub_id=hub_id)
    basis = f"/hub/gemeenten/{tenant.id}/overgang"
    pagina = await client.get(basis)
    assert pagina.status_code == 200
    assert (await client.get("/hub/overgang/formaat")).status_code == 200
    voorbeeld = await client.get(f"{basis}/bestanden/voorbeeld.json")
    assert voorbeeld.status_code == 200
    proef = await client.post(
        f"{basis}/proef",
        files={"bestand": ("voorbeeld.json", voorbeeld.content, "application/json")},
        headers={CSRF_HEADER: str(client.cookies[CSRF_COOKIE])},
        follow_redirects=False,
    )
    assert proef.status_code == 303
    rapport = await client.get(proef.headers["location"])
    assert "2 zaken inlezen" in rapport.text
    # The hub sees counts and faults, never the persons' names.
    assert "Fictief Voorbeeld" not in rapport.text
    import_id = uuid.UUID(proef.headers["location"].rsplit("/", 1)[1])
    bevestigd = await client.post(
        f"{basis}/imports/{import_id}/bevestigen",
        data={"_csrf_token": _token(rapport.text)},
        follow_redirects=False,
    )
    assert bevestigd.status_code == 303
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        upload = await s.get(Overgangsimport, import_id)
        assert upload is not None
        assert upload.status == "bevestigd"
        assert upload.geupload_door_rol == "hub_admin"
    # Once the processor agreement has ended, the hub can no longer do this.
    await _overeenkomst(admin_engine, tenant, klok.vandaag() - timedelta(days=1))
    assert (await client.get(basis)).status_code == 403
    assert (await client.get(f"{basis}/imports/{import_id}")).status_code == 403
