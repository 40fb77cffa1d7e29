"""Suspend, resume, terminate, export and destroy a municipality."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.lifecycle import (
    beeindig,
    exporteer,
    hervat,
    schort_op,
    vernietig_beeindigde,
)
from casushub.platform.hub.overeenkomst import verwerkersovereenkomst_actief
from casushub.platform.models import Tenant
from casushub.platform.registry import (
    RegistryError,
    TenantUnavailable,
    create_tenant,
    servable_tenant,
)
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.personen.models import Persoon


async def test_suspend_stops_access_and_resume_restores_it(
    admin_engine: AsyncEngine, settings: Settings, hub: str, unique_code: Callable[[], str]
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine, settings, hub_slug=hub, slug=f"pauze{code}", name="Pauze", gemeentecode=code
    )
    async with admin_engine.begin() as conn:
        await schort_op(conn, tenant.id)
    async with admin_engine.connect() as conn:
        with pytest.raises(TenantUnavailable, match="suspended"):
            await servable_tenant(conn, tenant.id)
    async with admin_engine.begin() as conn:
        with pytest.raises(RegistryError, match="opgeschort"):
            await schort_op(conn, tenant.id)
        await hervat(conn, tenant.id)
    async with admin_engine.connect() as conn:
        assert (await servable_tenant(conn, tenant.id)).slug == tenant.slug


def test_processor_agreement_window() -> None:
    row = Tenant(
        status="active",
        verwerkersovereenkomst_start=date(2026, 1, 1),
        verwerkersovereenkomst_eind=date(2026, 12, 31),
    )
    assert verwerkersovereenkomst_actief(row, date(2026, 6, 1))
    assert not verwerkersovereenkomst_actief(row, date(2025, 12, 31))
    assert not verwerkersovereenkomst_actief(row, date(2027, 1, 1))
    row.status = "suspended"
    assert not verwerkersovereenkomst_actief(row, date(2026, 6, 1))
    assert not verwerkersovereenkomst_actief(Tenant(status="active"), date(2026, 6, 1))


async def test_terminate_export_then_destroy_leaves_only_a_receipt(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    tmp_path: Path,
) -> None:
    settings = replace(settings, data_dir=tmp_path, termination_days=30)
    code = unique_code()
    tenant = await create_tenant(
        admin_engine, settings, hub_slug=hub, slug=f"einde{code}", name="Einde", gemeentecode=code
    )
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        session.add(Persoon(naam="Exportpersoon", gemeente_van_verblijf=code))

    vandaag = date(2026, 11, 25)
    async with admin_engine.begin() as conn:
        vernietigen_op = await beeindig(conn, tenant.id, settings, vandaag)
    assert vernietigen_op == vandaag + timedelta(days=30)

    pad, manifest = await exporteer(app_engine, settings, tenant)
    with zipfile.ZipFile(pad) as archief:
        namen = set(archief.namelist())
        assert "manifest.json" in namen
        for bestand, checksum in manifest["bestanden"].items():
            assert hashlib.sha256(archief.read(bestand)).hexdigest() == checksum
        personen = json.loads(archief.read("gegevens/persoon.json"))
    assert [p["naam"] for p in personen] == ["Exportpersoon"]
    assert manifest["rijen"]["persoon"] == 1

    assert (
        await vernietig_beeindigde(admin_engine, settings, vernietigen_op - timedelta(days=1)) == []
    )
    assert pad.exists()
    assert await vernietig_beeindigde(admin_engine, settings, vernietigen_op) == [tenant.slug]
    assert not pad.exists()
    async with admin_engine.connect() as conn:
        receipt = (await conn.execute(select(Tenant).where(Tenant.id == tenant.id))).one()
        schema = await conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": tenant.schema}
        )
        role = await conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
            {"r": settings.tenant_role(tenant.slug)},
        )
    assert receipt.status == "terminated"
    assert receipt.beeindigd_op == vandaag
    assert schema.first() is None
    assert role.first() is None


async def test_terminated_tenant_is_never_served(
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
    tmp_path: Path,
) -> None:
    settings = replace(settings, data_dir=tmp_path, termination_days=0)
    code = unique_code()
    tenant = await create_tenant(
        admin_engine, settings, hub_slug=hub, slug=f"weg{code}", name="Weg", gemeentecode=code
    )
    async with admin_engine.begin() as conn:
        await beeindig(conn, tenant.id, settings, date(2026, 1, 1))
    await vernietig_beeindigde(admin_engine, settings, date(2026, 1, 1))
    async with admin_engine.connect() as conn:
        with pytest.raises(TenantUnavailable):
            await servable_tenant(conn, tenant.id)
