"""The meeting view: one regional meeting, assembled from every municipality the viewer may
open, each in its own tenant session and under the viewer's role there (docs/design.md §3)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from casushub.platform.identity.access import Identity
from casushub.platform.identity.roles import Role
from casushub.platform.logs import request_id_var
from casushub.platform.registry import TenantUnavailable, servable_tenant
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.overleg.services import vergadering_voor
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijeenkomsten import lees_bijeenkomst, tenants_van_bijeenkomst
from casushub.web.casusoverleg.deps import CasusoverlegBasis

__all__ = ["BijeenkomstController"]

# Contexts that may contribute agenda items; the FG and the contactpunt read no agenda.
_AGENDA_ROLLEN = frozenset(
    {Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT, Role.INVITED_PARTY}
)


async def _contexten(state: State, identity: Identity) -> list[tuple[TenantRef, Actor, str]]:
    """Every live tenant membership of the viewer, once per tenant (the broadest role wins)."""
    rang = [Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT, Role.INVITED_PARTY]
    gekozen: dict[uuid.UUID, Any] = {}
    for membership in identity.memberships:
        if membership.tenant_id is None or membership.role not in _AGENDA_ROLLEN:
            continue
        huidig = gekozen.get(membership.tenant_id)
        if huidig is None or rang.index(membership.role) < rang.index(huidig.role):
            gekozen[membership.tenant_id] = membership
    result = []
    async with state.engine.connect() as conn:
        for tenant_id, membership in gekozen.items():
            try:
                tenant = await servable_tenant(conn, tenant_id)
            except TenantUnavailable:
                continue  # a suspended municipality contributes nothing, not even a count
            actor = Actor(
                user_id=identity.user_id,
                organisation_id=membership.organisation_id,
                role=membership.role.value,
                request_id=request_id_var.get(),
                organisation_type=membership.organisation_type,
            )
            result.append((tenant, actor, membership.tenant_name or tenant.slug))
    return result


class BijeenkomstController(CasusoverlegBasis):
    opt = roles(*_AGENDA_ROLLEN)

    @get("/bijeenkomsten/{bijeenkomst_id:uuid}", name="BijeenkomstController")
    async def bijeenkomst(
        self, bijeenkomst_id: FromPath[uuid.UUID], request: Request[Any, Any, Any], state: State
    ) -> Template:
        identity = request.scope.get("user")
        if not isinstance(identity, Identity):
            raise NotAuthorizedException
        contexten = await _contexten(state, identity)
        namen = {tenant.slug: naam for tenant, _, naam in contexten}
        van = await tenants_van_bijeenkomst(state.engine, bijeenkomst_id)
        vergadering = await vergadering_voor(
            state.engine,
            state.settings,
            bijeenkomst_id,
            [(tenant, actor, tenant.id in van) for tenant, actor, _ in contexten],
        )
        if not vergadering.zichtbaar:
            # Not one of the viewer's meetings (or outside an invited party's window): the same
            # answer as an unknown id; casushub.web.weigeringslog records the refusal.
            raise NotFoundException(detail="Deze bijeenkomst bestaat niet.", extra={"dutch": True})
        regels = vergadering.regels
        info = await lees_bijeenkomst(state.engine, bijeenkomst_id)
        actief = identity.active.role if identity.active else None
        return Template(
            "casusoverleg/bijeenkomst.html",
            context={
                "regels": regels,
                "namen": namen,
                "bijeenkomst_id": bijeenkomst_id,
                "info": info,
                "regie": actief in {Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR},
                "werker": actief in {Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT},
                # Item pages open in the active municipality only: others' items get no link.
                "actieve_tenant": identity.active.tenant_slug if identity.active else None,
            },
        )
