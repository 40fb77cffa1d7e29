"""What a casusoverleg handler works with, as one dependency (``scherm``): the request, the
app state, the active tenant, its session and the actor. The screens' page builders take it
whole instead of the same five parameters each."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.web.casusoverleg.casuspagina import Kop, lees_kop, sectie
from casushub.web.meldingen import meld

__all__ = ["Scherm", "provide_scherm"]


@dataclass(frozen=True, slots=True)
class Scherm:
    request: Request[Any, Any, Any]
    state: State
    tenant: TenantRef
    db: AsyncSession
    actor: Actor

    def terug(self, url: str, melding: str) -> Redirect:
        """After a POST that succeeded: ``melding`` on the next page, which is ``url`` (PRG,
        so a reload posts nothing)."""
        meld(self.request, melding)
        return Redirect(url, status_code=303)

    async def kop(self, casus_id: uuid.UUID) -> Kop | None:
        """The casus summary's reads (``lees_kop``), in the transaction the caller has open."""
        return await lees_kop(self.request, self.db, self.actor, casus_id)

    async def sectie(
        self, casus_id: uuid.UUID, naam: str, fragment: Template, kop: Kop | None = None
    ) -> Template:
        """:func:`casushub.web.casusoverleg.casuspagina.sectie` for this request."""
        return await sectie(
            self.request, self.state, self.db, self.actor, casus_id, naam, fragment, kop
        )

    async def gelezen_sectie(
        self,
        casus_id: uuid.UUID,
        naam: str,
        lees: Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[Template]],
    ) -> Template:
        """Section ``naam`` of the casus page, its fragment read by ``lees(db, actor,
        casus_id)`` in one transaction with the summary."""
        async with self.db.begin():
            fragment = await lees(self.db, self.actor, casus_id)
            kop = await self.kop(casus_id)
        return await self.sectie(casus_id, naam, fragment, kop)


async def provide_scherm(
    request: Request[Any, Any, Any],
    state: State,
    tenant: NamedDependency[TenantRef],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Scherm:
    return Scherm(request, state, tenant, db, actor)
