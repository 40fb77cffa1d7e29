"""The demo region holds fictitious cases in every phase, loaded once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.cli.demo import DEMO_TENANTS, load_demo
from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus, Overdrachtstaak
from casushub.tenants.casus.overzicht import overzicht
from casushub.tenants.demo import load_casus_demo
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.rules import bevat_bsn
from casushub.tenants.signalen.models import Signaal


async def test_demo_has_every_phase_and_loads_once(
    database_factory: Callable[[], Awaitable[Settings]],
) -> None:
    settings = await database_factory()
    admin = create_admin_engine(settings)
    app = create_app_engine(settings)
    try:
        first = await load_demo(admin, settings)
        assert "casussen voor noordhaven geladen" in first
        again = await load_demo(admin, settings)
        assert not any("casussen" in line for line in again)
        async with admin.connect() as conn:
            rows = (await conn.execute(select(Tenant.id, Tenant.slug))).all()
        assert {slug for _, slug in rows} == {slug for slug, _, _ in DEMO_TENANTS}
        regie = Actor.system("test")
        for tenant_id, slug in rows:
            tenant = TenantRef(tenant_id, slug)
            async with tenant_session(app, tenant, settings) as s, s.begin():
                statuses = Counter((await s.execute(select(Casus.status))).scalars())
                signalen = Counter((await s.execute(select(Signaal.status))).scalars())
                assert set(statuses) == {"aangemeld", "lopend", "monitoren", "afgesloten"}
                assert set(signalen) == {"te_wegen", "geen_actie", "opname", "strafrechtelijk"}
                lijsten = await overzicht(s, regie)
                assert lijsten.reviews.regels
                assert lijsten.plannen.regels
                assert (await s.execute(select(Overdrachtstaak))).first() is not None
                for persoon in (await s.execute(select(Persoon))).scalars():
                    assert not bevat_bsn(persoon.naam)
    finally:
        await app.dispose()
        await admin.dispose()


async def test_demo_of_one_municipality_moves_elsewhere_whatever_its_code(
    app_engine: AsyncEngine,
    settings: Settings,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
) -> None:
    """One municipality alone moves its 'verhuisd' case to a made-up code, never its own (the
    security tests' random codes once hit 9999, the made-up code, and the seeding failed)."""
    tenant = await fresh_tenant()
    await load_casus_demo(app_engine, settings, [(tenant, "9999")], {})
    async with tenant_session(app_engine, tenant, settings) as s:
        taken = (await s.execute(select(Overdrachtstaak.naar_gemeente))).scalars().all()
    assert taken == ["9998"]
