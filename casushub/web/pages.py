"""Public pages: the start page and the workspace of the active municipality."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.personen.models import Persoon
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["start", "werkruimte"]


@get("/", sync_to_thread=False, name="start")
def start() -> Template:
    return Template("start.html")


@get(
    "/werkruimte",
    name="werkruimte",
    dependencies={"tenant": Provide(provide_tenant), "db": Provide(provide_tenant_db)},
)
async def werkruimte(
    tenant: NamedDependency[TenantRef], db: NamedDependency[AsyncSession]
) -> Template:
    # A count is not personal data; the casus lists of the workflow issue replace this page.
    personen = (await db.execute(select(func.count()).select_from(Persoon))).scalar_one()
    return Template("werkruimte.html", context={"tenant": tenant, "personen": personen})
