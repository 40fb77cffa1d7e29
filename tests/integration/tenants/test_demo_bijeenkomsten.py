"""The demo region meets in a real casusoverleg: the agenda items and invitations of the demo
cases point at the hub's next meeting, of a casusoverleg all three municipalities are in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select

from casushub.cli.demo import DEMO_OVERLEG, load_demo
from casushub.platform.database import create_admin_engine, create_app_engine
from casushub.platform.hub.models import Bijeenkomst, Casusoverleg, CasusoverlegGemeente
from casushub.platform.models import Tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.demo import DEMO_BIJEENKOMST_ID
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.uitnodigingen.models import Uitnodiging


async def test_demo_agenda_items_are_on_real_meetings(
    database_factory: Callable[[], Awaitable[Settings]],
) -> None:
    settings = await database_factory()
    admin = create_admin_engine(settings)
    app = create_app_engine(settings)
    try:
        await load_demo(admin, settings)
        again = await load_demo(admin, settings)
        assert not any("casusoverleg" in line or "gepland" in line for line in again)
        async with admin.connect() as conn:
            overleg = await conn.scalar(
                select(Casusoverleg.id).where(Casusoverleg.naam == DEMO_OVERLEG)
            )
            leden = set(
                (
                    await conn.execute(
                        select(CasusoverlegGemeente.tenant_id).where(
                            CasusoverlegGemeente.casusoverleg_id == overleg
                        )
                    )
                ).scalars()
            )
            meetings = dict(
                (
                    await conn.execute(
                        select(Bijeenkomst.id, Bijeenkomst.eindigt_op).where(
                            Bijeenkomst.casusoverleg_id == overleg
                        )
                    )
                ).all()
            )
            tenants = (await conn.execute(select(Tenant.id, Tenant.slug))).all()
        assert len(meetings) == 3
        assert all(einde > datetime.now(UTC) for einde in meetings.values())
        assert leden == {tenant_id for tenant_id, _ in tenants}
        for tenant_id, slug in tenants:
            async with tenant_session(app, TenantRef(tenant_id, slug), settings) as s:
                punten = set((await s.execute(select(Agendapunt.bijeenkomst_id))).scalars())
                uitnodigingen = (await s.execute(select(Uitnodiging))).scalars().all()
            assert punten
            assert punten <= set(meetings)
            assert DEMO_BIJEENKOMST_ID not in punten
            for uitnodiging in uitnodigingen:
                assert uitnodiging.bijeenkomst_id in meetings
                assert uitnodiging.vervalt_op > meetings[uitnodiging.bijeenkomst_id]
    finally:
        await app.dispose()
        await admin.dispose()
