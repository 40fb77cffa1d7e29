"""A tenant's own retention periods: editable by regie only, each change with its reason."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from privacykit import FreshTenant
from retentiekit import AGENT, REGIE
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.bewaartermijnen.rules import destroy_on
from casushub.tenants.bewaartermijnen.services import (
    bewaarparameters,
    parametergeschiedenis,
    wijzig_bewaartermijn,
)
from casushub.tenants.casus.errors import GeenToegang, RegelFout


async def test_changes_are_kept_with_reason_and_the_newest_applies(
    app_engine: AsyncEngine, settings: Settings, fresh_tenant: FreshTenant
) -> None:
    tenant = await fresh_tenant()
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        assert await bewaarparameters(session) == {}
        await wijzig_bewaartermijn(
            session, REGIE, soort="casus", uitkomst=None, jaren=7, reden="advies jurist 2026-01"
        )
    await asyncio.sleep(0.01)  # distinct timestamps for the two changes
    async with tenant_session(app_engine, tenant, settings) as session, session.begin():
        await wijzig_bewaartermijn(
            session, REGIE, soort="casus", uitkomst=None, jaren=6, reden="herzien advies"
        )
        await wijzig_bewaartermijn(
            session,
            REGIE,
            soort="signaal",
            uitkomst="geen_actie",
            jaren=2,
            reden="beleid gemeente",
        )
        params = await bewaarparameters(session)
        history = await parametergeschiedenis(session, "casus")
    assert params == {"casus": 6, "signaal:geen_actie": 2}
    assert [(h.jaren, h.reden) for h in history] == [
        (6, "herzien advies"),
        (7, "advies jurist 2026-01"),
    ]
    assert history[0].user_id == REGIE.user_id
    assert destroy_on("casus", None, date(2026, 1, 1), params) == date(2032, 1, 1)


@pytest.mark.parametrize(
    ("soort", "uitkomst", "jaren", "reden", "field"),
    [
        ("casus", None, 5, "   ", "reden"),
        ("agendapunt", None, 5, "x", "soort"),
        ("signaal", "opname", 2, "x", "uitkomst"),
        ("verwerkingenlog", None, 0, "x", "jaren"),
        ("casus", None, 31, "x", "jaren"),
    ],
)
async def test_invalid_changes_are_refused(
    app_engine: AsyncEngine,
    settings: Settings,
    tenant_a: TenantRef,
    soort: str,
    uitkomst: str | None,
    jaren: int,
    reden: str,
    field: str,
) -> None:
    with pytest.raises(RegelFout) as refused:
        async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
            await wijzig_bewaartermijn(
                session, REGIE, soort=soort, uitkomst=uitkomst, jaren=jaren, reden=reden
            )
    assert refused.value.field == field


async def test_only_regie_changes_periods(
    app_engine: AsyncEngine, settings: Settings, tenant_a: TenantRef
) -> None:
    with pytest.raises(GeenToegang):
        async with tenant_session(app_engine, tenant_a, settings) as session, session.begin():
            await wijzig_bewaartermijn(
                session, AGENT, soort="casus", uitkomst=None, jaren=1, reden="korter"
            )
