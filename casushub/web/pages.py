"""The start page and the werkruimte of the active role (blocks: ``casushub.web.werkruimte``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, get
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from casushub.crosstenant.lifecycle import export_dir
from casushub.platform.identity.roles import TENANT_ROLES, Role
from casushub.platform.models import TenantStatus
from casushub.platform.registry import TenantUnavailable, list_tenants
from casushub.platform.tenancy import tenant_session
from casushub.web import werkruimte_blokken  # noqa: F401 - registers the blocks
from casushub.web.auth.guards import current_identity
from casushub.web.casusoverleg.context import provide_actor
from casushub.web.tenancy import provide_tenant
from casushub.web.werkruimte import Werk, blokken_voor

__all__ = ["contactpunt_kiezen", "start", "werkruimte"]

AnyRequest = Request[Any, Any, State]
_BEEINDIGD = {f"status {s.value}" for s in (TenantStatus.TERMINATING, TenantStatus.TERMINATED)}


async def _gemeenten(state: State) -> list[tuple[str, str]]:
    """(slug, name) of every municipality whose citizens can file a request here."""
    async with state.engine.connect() as conn:
        rijen = await list_tenants(conn)
    actief = [(t.slug, t.name) for t in rijen if t.status == TenantStatus.ACTIVE.value]
    return sorted(actief, key=lambda t: t[1])


@get("/", name="start")
async def start(state: State, uitgelogd: FromQuery[str | None] = None) -> Template:
    return Template(
        "start.html",
        context={"uitgelogd": uitgelogd == "ja", "gemeenten": await _gemeenten(state)},
    )


@get("/contactpunt", name="contactpunt-kiezen")
async def contactpunt_kiezen(state: State) -> Template:
    """Citizens choose the municipality where they live; its contactpunt takes the request."""
    return Template("info/contactpunt.html", context={"gemeenten": await _gemeenten(state)})


@get("/werkruimte", name="werkruimte")
async def werkruimte(request: AnyRequest, state: State) -> Response[Any]:
    """The active role's blocks; someone still without a role is sent to choose one."""
    identity = current_identity(request)
    assert identity is not None  # noqa: S101 - the route is for signed-in users only
    if not identity.has_access:
        return Redirect("/auth/geen-toegang", status_code=HTTP_303_SEE_OTHER)
    active = identity.active
    if active is None:
        return Redirect(
            f"/auth/context?volgende={quote('/werkruimte', safe='')}",
            status_code=HTTP_303_SEE_OTHER,
        )
    context: dict[str, Any] = {"context": active, "blokken": [], "beeindigd": False}
    if active.role in TENANT_ROLES:
        try:
            tenant = await provide_tenant(request, state)
        except TenantUnavailable as exc:
            # A municipality whose processor agreement ended is no longer served, but its
            # regie still fetches the export here; any other outage is the 503 page.
            if not (active.role == Role.GEMEENTE_REGIE and exc.reason in _BEEINDIGD):
                raise
            context["beeindigd"] = True
            context["export"] = any(export_dir(state.settings, exc.slug).glob("export-*.zip"))
            return Template("werkruimte.html", context=context)
        actor = await provide_actor(request)
        # The blocks open their transactions on it (casushub.web.werkruimte.blokken_voor).
        async with tenant_session(state.engine, tenant, state.settings) as db:
            werk = Werk(state, identity, active, tenant, db, actor)
            context["blokken"] = await blokken_voor(werk)
    else:
        context["blokken"] = await blokken_voor(Werk(state, identity, active, None, None, None))
    return Template("werkruimte.html", context=context)
