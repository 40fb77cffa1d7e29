"""A fictitious demo region for `make dev`: one hub and its municipalities (idempotent)."""

from __future__ import annotations

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
            )
            done.append(f"gemeente {slug} aangemaakt")
    done += await _load_identity(admin_engine, settings)
    done += await _load_casussen(admin_engine, settings)
    return done or ["demodata was al geladen"]


async def _load_identity(admin_engine: AsyncEngine, settings: Settings) -> list[str]:
    """Organisations with their own provider at the development IdP; users pre-invited."""
    from casushub.platform.identity.demo import load_identity_demo

    return await load_identity_demo(admin_engine, settings)


async def _load_casussen(admin_engine: AsyncEngine, settings: Settings) -> list[str]:
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
        return await load_casus_demo(engine, settings, tenants, organisaties)
    finally:
        await engine.dispose()
