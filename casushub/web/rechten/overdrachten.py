"""The contactpunt queue's hand-over fragment: requests that followed a person who moved,
out of this municipality and into it (receipt numbers and municipalities, no names; an
incoming request opens in this municipality's own queue)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from casushub.crosstenant.overdracht import overdrachten
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.guards import roles
from casushub.web.tenancy import provide_tenant

__all__ = ["overdrachten_fragment"]


@get(
    "/contactpunt-taken/overdrachten",
    name="contactpunt-overdrachten",
    opt=roles(Role.CONTACTPUNT, Role.GEMEENTE_REGIE),
    dependencies={"tenant": Provide(provide_tenant)},
)
async def overdrachten_fragment(state: State, tenant: NamedDependency[TenantRef]) -> Template:
    async with state.engine.connect() as conn:
        inkomend = await overdrachten(conn, tenant.id, richting="in")
        uitgaand = await overdrachten(conn, tenant.id, richting="uit")
    return Template(
        "rechten/_overdrachten.html",
        context={
            "inkomend": [o for o in inkomend if o.verzoeken],
            "uitgaand": [o for o in uitgaand if o.verzoeken],
        },
    )


overdracht_handlers: list[Any] = [overdrachten_fragment]
