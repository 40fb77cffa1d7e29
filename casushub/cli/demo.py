"""A fictitious demo region for `make dev`: one hub and its municipalities (idempotent)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from casushub.platform.models import Hub, Tenant
from casushub.platform.registry import create_hub, create_tenant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from casushub.platform.settings import Settings

__all__ = ["DEMO_HUB", "DEMO_TENANTS", "load_demo"]

DEMO_HUB = ("zvh_noord", "Zorg- en Veiligheidshuis Regio Noord")
# Fictitious municipalities; the 99xx codes are not in use by CBS.
DEMO_TENANTS = (
    ("oostdam", "Gemeente Oostdam", "9901"),
    ("westwoude", "Gemeente Westwoude", "9902"),
    ("noordhaven", "Gemeente Noordhaven", "9903"),
)


async def load_demo(admin_engine: AsyncEngine, settings: Settings) -> list[str]:
    done: list[str] = []
    async with admin_engine.connect() as conn:
        has_hub = (await conn.execute(select(Hub.id).where(Hub.slug == DEMO_HUB[0]))).first()
        existing = set((await conn.execute(select(Tenant.slug))).scalars())
    if has_hub is None:
        await create_hub(admin_engine, slug=DEMO_HUB[0], name=DEMO_HUB[1], type="zvh")
        done.append(f"hub {DEMO_HUB[0]} aangemaakt")
    for slug, name, code in DEMO_TENANTS:
        if slug not in existing:
            await create_tenant(
                admin_engine,
                settings,
                slug=slug,
                name=name,
                gemeentecode=code,
                hub_slug=DEMO_HUB[0],
                # Hub staff may only see case data under a running processor agreement.
                profiel={
                    "verwerkersovereenkomst": f"DEMO-VO-{code}",
                    "verwerkersovereenkomst_start": date(2025, 7, 1),
                    "contactpunt_functie": f"de burgemeester van {name.removeprefix('Gemeente ')}",
                    "contactpunt_email": f"contactpunt@{slug}.example",
                },
            )
            done.append(f"gemeente {slug} aangemaakt")
    done += await _load_identity(admin_engine, settings)
    bijeenkomst, gepland = await _load_overleg(admin_engine)
    done += gepland
    done += await _load_casussen(admin_engine, settings, bijeenkomst)
    return done or ["demodata was al geladen"]


DEMO_OVERLEG = "Casusoverleg Regio Noord"


async def _load_overleg(admin_engine: AsyncEngine) -> tuple[tuple[uuid.UUID, datetime], list[str]]:
    """The region's casusoverleg (all three municipalities) and its coming meetings; returns
    the next meeting (id, end) for the demo agenda items and invitations."""
    from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
    from casushub.platform.hub.models import Bijeenkomst, Casusoverleg

    done: list[str] = []
    nu = datetime.now(UTC)
    async with admin_engine.begin() as conn:
        hub_id = await conn.scalar(select(Hub.id).where(Hub.slug == DEMO_HUB[0]))
        if hub_id is None:  # pragma: no cover - load_demo created it just before
            msg = "demo hub missing"
            raise RuntimeError(msg)
        overleg_id = await conn.scalar(
            select(Casusoverleg.id).where(
                Casusoverleg.hub_id == hub_id, Casusoverleg.naam == DEMO_OVERLEG
            )
        )
        if overleg_id is None:
            slugs = [slug for slug, _, _ in DEMO_TENANTS]
            tenant_ids = list(
                (await conn.execute(select(Tenant.id).where(Tenant.slug.in_(slugs)))).scalars()
            )
            overleg_id = await maak_casusoverleg(conn, hub_id, DEMO_OVERLEG, tenant_ids)
            done.append("casusoverleg Regio Noord aangemaakt")
        volgende = (
            await conn.execute(
                select(Bijeenkomst.id, Bijeenkomst.eindigt_op)
                .where(Bijeenkomst.casusoverleg_id == overleg_id, Bijeenkomst.eindigt_op > nu)
                .order_by(Bijeenkomst.begint_op)
                .limit(1)
            )
        ).first()
        if volgende is not None:
            return (volgende[0], volgende[1]), done
        # Every other Thursday at 09:30 (Dutch time; 08:30 UTC in winter is close enough for a
        # demo), the first one within a week.
        eerste = (nu + timedelta(days=(3 - nu.weekday()) % 7 or 7)).replace(
            hour=8, minute=30, second=0, microsecond=0
        )
        ids = []
        for week in (0, 2, 4):
            begin = eerste + timedelta(weeks=week)
            ids.append(
                (
                    await plan_bijeenkomst(
                        conn,
                        hub_id,
                        overleg_id,
                        begin,
                        begin + timedelta(hours=2, minutes=30),
                        locatie="Zorg- en Veiligheidshuis, Stationsplein 1, Oostdam",
                        videolink="https://video.example.test/casusoverleg-noord",
                    ),
                    begin + timedelta(hours=2, minutes=30),
                )
            )
        done.append("bijeenkomsten casusoverleg gepland")
    return ids[0], done


async def _load_identity(admin_engine: AsyncEngine, settings: Settings) -> list[str]:
    """Organisations with their own provider at the development IdP; users pre-invited."""
    from casushub.platform.identity.demo import load_identity_demo

    return await load_identity_demo(admin_engine, settings)


async def _load_casussen(
    admin_engine: AsyncEngine, settings: Settings, bijeenkomst: tuple[uuid.UUID, datetime]
) -> list[str]:
    """Fictitious cases in every phase (casushub/tenants/demo.py), through the app role."""
    from casushub.platform.database import create_app_engine
    from casushub.platform.identity.models import Organisation
    from casushub.platform.tenancy import TenantRef
    from casushub.tenants.demo import load_casus_demo

    slugs = [slug for slug, _, _ in DEMO_TENANTS]
    async with admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                select(Tenant.id, Tenant.slug, Tenant.gemeentecode).where(Tenant.slug.in_(slugs))
            )
        ).all()
        organisaties = dict((await conn.execute(select(Organisation.slug, Organisation.id))).all())
    tenants = [
        (TenantRef(row.id, row.slug), row.gemeentecode)
        for row in sorted(rows, key=lambda row: slugs.index(row.slug))
    ]
    engine = create_app_engine(settings)
    try:
        return await load_casus_demo(
            engine, settings, tenants, organisaties, bijeenkomst=bijeenkomst
        )
    finally:
        await engine.dispose()
