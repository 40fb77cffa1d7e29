"""The municipality's own page after the end of its processor agreement with the hub: when
the hub's copy will be destroyed, and the complete export to download (``/gemeente/export``).

It does not open the tenant schema (a terminating municipality is no longer served): it reads
the registry row of the active context and the export directory only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template

from casushub.crosstenant.lifecycle import export_dir
from casushub.platform.hub.gemeenten import tenantrij
from casushub.platform.identity.roles import Role
from casushub.platform.models import TenantStatus
from casushub.web.auth.guards import current_identity, roles

__all__ = ["BeeindigingController"]


class BeeindigingController(Controller):
    path = "/gemeente/beeindiging"
    opt = roles(Role.GEMEENTE_REGIE)

    @get("", name="gemeente-beeindiging")
    async def beeindiging(self, request: Request[Any, Any, State], state: State) -> Template:
        identity = current_identity(request)
        active = identity.active if identity else None
        if active is None or active.tenant_id is None:
            raise PermissionDeniedException
        async with state.engine.connect() as conn:
            gemeente = await tenantrij(conn, active.tenant_id)
        if gemeente is None:
            raise NotFoundException
        bestanden = sorted(export_dir(state.settings, gemeente.slug).glob("export-*.zip"))
        export = None
        if bestanden:
            laatste = bestanden[-1]
            export = {
                "gemaakt_op": datetime.fromtimestamp(laatste.stat().st_mtime, UTC),
                "grootte_kb": max(1, laatste.stat().st_size // 1024),
            }
        return Template(
            "rechten/beeindiging.html",
            context={
                "gemeente": gemeente,
                "beeindigd": gemeente.status
                in {TenantStatus.TERMINATING.value, TenantStatus.TERMINATED.value},
                "export": export,
            },
        )
