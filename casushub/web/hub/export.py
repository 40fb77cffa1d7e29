"""A terminated municipality downloads its own export: its regie users only, logged."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import File

from casushub.crosstenant.lifecycle import export_dir
from casushub.platform.hub.gemeenten import tenantrij
from casushub.platform.identity.audit import record
from casushub.platform.identity.roles import Role
from casushub.web.auth.guards import current_identity, roles
from casushub.web.hub.deps import AnyRequest

__all__ = ["GemeenteExportController"]


class GemeenteExportController(Controller):
    path = "/gemeente/export"
    opt = roles(Role.GEMEENTE_REGIE)

    @get("", name="gemeente-export")
    async def export_downloaden(self, request: AnyRequest, state: State) -> Response[Any]:
        identity = current_identity(request)
        active = identity.active if identity else None
        # The municipality of the active context only: a terminating tenant is no longer servable
        # (provide_tenant refuses it), so its own regie role opens the export here.
        if identity is None or active is None or active.tenant_id is None:
            raise PermissionDeniedException
        async with state.engine.connect() as conn:
            gemeente = await tenantrij(conn, active.tenant_id)
        if gemeente is None:
            raise NotFoundException
        slug = gemeente.slug
        bestanden = sorted(export_dir(state.settings, slug).glob("export-*.zip"))
        if not bestanden:
            raise NotFoundException(detail="Er is (nog) geen export.", extra={"dutch": True})
        async with state.engine.begin() as conn:
            await record(
                conn,
                "export_gedownload",
                actor_user_id=identity.user_id,
                organisation_id=active.organisation_id,
                target=slug,
                details={"bestand": bestanden[-1].name},
                ip=request.client.host if request.client else "",
            )
        return File(
            path=bestanden[-1],
            filename=bestanden[-1].name,
            media_type="application/zip",
        )
