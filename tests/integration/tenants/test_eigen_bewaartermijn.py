"""Closure and a 'geen actie' weging use the tenant's own retention periods when it set them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from casusfabriek import Organisaties, Sessie, nieuw_signaal, nieuwe_casus, weging
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.registry import create_tenant
from casushub.platform.settings import Settings
from casushub.tenants.bewaartermijnen.services import wijzig_bewaartermijn
from casushub.tenants.casus.services import sluit_af

VANDAAG = date(2026, 11, 25)


async def test_tenant_periods_apply_to_closure_and_geen_actie(
    sessie: Sessie,
    orgs: Organisaties,
    admin_engine: AsyncEngine,
    settings: Settings,
    hub: str,
    unique_code: Callable[[], str],
) -> None:
    code = unique_code()
    tenant = await create_tenant(
        admin_engine,
        settings,
        slug=f"eigentermijn{code}",
        name="Eigen",
        gemeentecode=code,
        hub_slug=hub,
    )
    async with sessie(tenant) as s:
        await wijzig_bewaartermijn(
            s, orgs.regie, soort="casus", uitkomst=None, jaren=7, reden="advies jurist 2026-11"
        )
        await wijzig_bewaartermijn(
            s, orgs.regie, soort="signaal", uitkomst="geen_actie", jaren=2, reden="advies jurist"
        )
    async with sessie(tenant) as s:
        casus = await nieuwe_casus(s, orgs)
        gesloten = await sluit_af(s, orgs.regie, casus.id, reden="doel bereikt", datum=VANDAAG)
        assert gesloten.destroy_on == date(2033, 11, 25)
        signaal = await nieuw_signaal(s, orgs)
        gewogen = await weging(s, orgs, signaal, uitkomst="geen_actie")
        await s.refresh(signaal)
        assert signaal.destroy_on == gewogen.datum.replace(year=gewogen.datum.year + 2)
