"""Attendance of a meeting of the municipality's regional casusoverleg: which participating
organisations were there (the regie records it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from casushub.tenants.overleg.services import lees_aanwezigheid, registreer_aanwezigheid
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijeenkomsten import bijeenkomst_of_404
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.namen import soortnaam
from casushub.web.casusoverleg.rollen import REGIE
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.casusoverleg.weging import deelnemende_organisaties
from casushub.web.formulieren import FORMULIER, Formulier, meerdere

__all__ = ["AanwezigheidController"]


@dataclass
class Aanwezigheid(Formulier):
    aanwezig: list[str] | str = field(default_factory=list)


async def _aanwezigheid(
    scherm: Scherm, bijeenkomst_id: uuid.UUID, *, melding: str | None = None
) -> Template:
    state, tenant = scherm.state, scherm.tenant
    info = await bijeenkomst_of_404(state.engine, tenant.id, bijeenkomst_id)
    async with scherm.db.begin():
        aanwezig = await lees_aanwezigheid(scherm.db, scherm.actor, bijeenkomst_id)
    return Template(
        "casusoverleg/aanwezigheid.html",
        context={
            "info": info,
            "organisaties": [
                (i, n, soortnaam(t)) for i, n, t in await deelnemende_organisaties(state, tenant)
            ],
            "aanwezig": {str(k) for k, v in aanwezig.items() if v},
            "melding": melding,
        },
    )


class AanwezigheidController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @get("/bijeenkomsten/{bijeenkomst_id:uuid}/aanwezigheid", name="aanwezigheid")
    async def aanwezigheid(
        self, bijeenkomst_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _aanwezigheid(scherm, bijeenkomst_id)

    @post("/bijeenkomsten/{bijeenkomst_id:uuid}/aanwezigheid", name="aanwezigheid-opslaan")
    async def aanwezigheid_opslaan(
        self,
        bijeenkomst_id: FromPath[uuid.UUID],
        data: Annotated[Aanwezigheid, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        state, tenant = scherm.state, scherm.tenant
        await bijeenkomst_of_404(state.engine, tenant.id, bijeenkomst_id)
        organisaties = [uuid.UUID(i) for i, _, _ in await deelnemende_organisaties(state, tenant)]
        aangevinkt = set(meerdere(data.aanwezig))
        async with scherm.db.begin():
            await registreer_aanwezigheid(
                scherm.db,
                scherm.actor,
                bijeenkomst_id,
                {o: str(o) in aangevinkt for o in organisaties},
            )
        return await _aanwezigheid(scherm, bijeenkomst_id, melding="De aanwezigheid is vastgelegd.")
