"""Onboarding a municipality: all errors at once, then everything or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.crosstenant.onboarding import (
    GemeenteAanmelding,
    OnboardingInvalid,
    meld_gemeente_aan,
    valideer,
)
from casushub.platform.hub.checklist import (
    StapWijziging,
    gereed_voor_livegang,
    voortgang,
    werk_stap_bij,
)
from casushub.platform.hub.models import Implementatiestap, StapStatus
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.instellingen.models import Instelling


def aanmelding(code: str, **changes: object) -> GemeenteAanmelding:
    base = GemeenteAanmelding(
        naam="Gemeente Zuidkerk",
        gemeentecode=code,
        slug=f"zuidkerk{code}",
        contactpunt_functie="de burgemeester van Zuidkerk",
        contactpunt_postadres="Postbus 1, 9999 ZZ Zuidkerk",
        contactpunt_email="contactpunt@zuidkerk.example",
        verwerkersovereenkomst="VO-2026-01",
        verwerkersovereenkomst_start=date(2026, 1, 1),
        verwerkersovereenkomst_eind=None,
        situatie="convenant",
    )
    return replace(base, **changes)  # type: ignore[arg-type]  # fields of every type


def test_validation_reports_every_field_at_once() -> None:
    fouten = valideer(
        aanmelding(
            "12",
            naam=" ",
            slug="Fout",
            contactpunt_email="geen-adres",
            verwerkersovereenkomst_start=date(2026, 5, 1),
            verwerkersovereenkomst_eind=date(2026, 4, 1),
            situatie="anders",
            bsn_toegestaan=True,
        )
    )
    assert set(fouten) == {
        "naam",
        "slug",
        "gemeentecode",
        "contactpunt_email",
        "verwerkersovereenkomst_eind",
        "situatie",
        "bsn_grondslag",
    }
    assert "wettelijke grondslag" in fouten["bsn_grondslag"]


async def test_onboarding_creates_profile_settings_and_checklist(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    hub_id: uuid.UUID,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    tenant = await meld_gemeente_aan(
        admin_engine,
        settings,
        hub_id,
        aanmelding(code, bsn_toegestaan=True, bsn_grondslag="art. 10 Wet (testgrondslag)"),
    )
    async with admin_engine.connect() as conn:
        row = (await conn.execute(select(Tenant).where(Tenant.id == tenant.id))).one()
        stappen = (
            await conn.execute(
                select(Implementatiestap.code)
                .where(Implementatiestap.tenant_id == tenant.id)
                .order_by(Implementatiestap.volgorde)
            )
        ).scalars()
        assert list(stappen) == [
            "convenant_intrekken",
            "processen_vergelijken",
            "processen_aanpassen",
            "contactpunt_openen",
            "medewerkers_trainen",
        ]
        assert await gereed_voor_livegang(conn, tenant.id) is False
    assert row.status == "active"
    assert row.contactpunt_email == "contactpunt@zuidkerk.example"
    assert row.situatie == "convenant"
    async with tenant_session(app_engine, tenant, settings) as session:
        instelling = (await session.execute(select(Instelling))).scalar_one()
    assert instelling.bsn_toegestaan is True
    assert instelling.bsn_grondslag == "art. 10 Wet (testgrondslag)"


async def test_duplicate_is_refused_inline_and_nothing_is_created(
    admin_engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID, unique_code: Callable[[], str]
) -> None:
    code = unique_code()
    await meld_gemeente_aan(admin_engine, settings, hub_id, aanmelding(code))
    with pytest.raises(OnboardingInvalid) as refused:
        await meld_gemeente_aan(
            admin_engine, settings, hub_id, aanmelding(code, slug=f"ander{code}")
        )
    assert set(refused.value.fouten) == {"gemeentecode"}
    async with admin_engine.connect() as conn:
        assert (
            await conn.execute(select(Tenant.id).where(Tenant.slug == f"ander{code}"))
        ).first() is None


async def test_checklist_gates_go_live_and_shows_progress(
    admin_engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID, unique_code: Callable[[], str]
) -> None:
    tenant = await meld_gemeente_aan(
        admin_engine, settings, hub_id, aanmelding(unique_code(), situatie="geen_convenant")
    )
    async with admin_engine.begin() as conn:
        stappen = (
            await conn.execute(
                select(Implementatiestap.id, Implementatiestap.code).where(
                    Implementatiestap.tenant_id == tenant.id
                )
            )
        ).all()
        with pytest.raises(RegistryError, match="datum"):
            await werk_stap_bij(
                conn, tenant.id, stappen[0].id, StapWijziging(StapStatus.GEREED, True)
            )
        for stap_id, code in stappen:
            if code == "medewerkers_trainen":
                # The hub may mark a step as not required; it then no longer gates go-live.
                await werk_stap_bij(conn, tenant.id, stap_id, StapWijziging(StapStatus.OPEN, False))
            else:
                await werk_stap_bij(
                    conn,
                    tenant.id,
                    stap_id,
                    StapWijziging(StapStatus.GEREED, True, date(2026, 11, 1), "Team PGA", "D-12"),
                )
        assert await gereed_voor_livegang(conn, tenant.id) is True
        overzicht = {v.tenant_id: v for v in await voortgang(conn, hub_id)}
    assert overzicht[tenant.id].live is True
    assert (overzicht[tenant.id].klaar, overzicht[tenant.id].totaal) == (3, 4)


async def test_step_of_another_municipality_cannot_be_changed(
    admin_engine: AsyncEngine, settings: Settings, hub_id: uuid.UUID, unique_code: Callable[[], str]
) -> None:
    eerste = await meld_gemeente_aan(admin_engine, settings, hub_id, aanmelding(unique_code()))
    tweede = await meld_gemeente_aan(admin_engine, settings, hub_id, aanmelding(unique_code()))
    async with admin_engine.begin() as conn:
        stap = (
            (
                await conn.execute(
                    select(Implementatiestap.id).where(Implementatiestap.tenant_id == eerste.id)
                )
            )
            .scalars()
            .first()
        )
        assert stap is not None
        with pytest.raises(RegistryError, match="bestaat niet"):
            await werk_stap_bij(conn, tweede.id, stap, StapWijziging(StapStatus.NVT, False))


async def test_unknown_hub_is_refused(admin_engine: AsyncEngine, settings: Settings) -> None:
    with pytest.raises(OnboardingInvalid) as refused:
        await meld_gemeente_aan(admin_engine, settings, uuid.uuid4(), aanmelding("9990"))
    assert "hub" in refused.value.fouten
