"""The contactpunt queue's hand-over fragment: requests that followed a person who moved,
out of this municipality and into it (receipt numbers and municipalities, no names; an
incoming request opens in this municipality's own queue)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from casushub.crosstenant.overdracht import overdrachten
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.web.auth.guards import roles
from casushub.web.tenancy import provide_tenant

__all__ = ["OverdrachtenController", "overdracht_handlers"]

TENANT = {"tenant": Provide(provide_tenant)}


class OverdrachtenController(Controller):
    path = "/contactpunt-taken/overdrachten"
    opt = roles(Role.CONTACTPUNT, Role.GEMEENTE_REGIE)
    dependencies = TENANT

    @get("", name="contactpunt-overdrachten")
    async def overdrachten_fragment(
        self, state: State, tenant: NamedDependency[TenantRef]
    ) -> Template:
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


overdracht_handlers: list[Any] = [OverdrachtenController]
