"""Public pages: the start page and the workspace of the active municipality."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.overgang.services import telling as overgang_telling
from casushub.tenants.personen.services import tel_personen
from casushub.web.casusoverleg.context import provide_actor
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["start", "werkruimte"]


@get("/", sync_to_thread=False, name="start")
def start() -> Template:
    return Template("start.html")


@get(
    "/werkruimte",
    name="werkruimte",
    dependencies={
        "tenant": Provide(provide_tenant),
        "db": Provide(provide_tenant_db),
        "actor": Provide(provide_actor),
    },
)
async def werkruimte(
    tenant: NamedDependency[TenantRef],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    # A count is not personal data, but it counts only the persons the actor may see.
    personen = await tel_personen(db, actor)
    overgang = None
    if actor.role in {"gemeente_regie", "procesregisseur"}:
        # The transition list's counts (no personal data); the list itself is at /overgang.
        overgang = await overgang_telling(db)
    return Template(
        "werkruimte.html",
        context={
            "tenant": tenant,
            "personen": personen,
            "overgang": overgang,
            "actor_rol": actor.role,
        },
    )
