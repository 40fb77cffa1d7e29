"""The regional casusoverleg: name, municipalities, chair, meeting schedule (no personal data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.platform import klok
from casushub.platform.hub import casusoverleg
from casushub.platform.hub.casusoverleg import maak_casusoverleg, plan_bijeenkomst
from casushub.platform.hub.gemeenten import alle_gemeenten
from casushub.platform.identity.audit import record
from casushub.platform.identity.roles import Role
from casushub.platform.registry import RegistryError
from casushub.web.auth.guards import roles
from casushub.web.formulieren import DATUM_FOUT, FORMULIER, Formulier, meerdere
from casushub.web.hub.deps import (
    AnyRequest,
    HubAdmin,
    datum,
    hub_admin,
    in_hub,
    render,
)

__all__ = ["OverleggenController"]


@dataclass
class Overlegformulier(Formulier):
    naam: str = ""
    gemeenten: list[str] | str = field(default_factory=list)
    voorzitter: str = ""


@dataclass
class Bijeenkomstformulier(Formulier):
    datum: str = ""
    begin: str = ""
    einde: str = ""
    locatie: str = ""
    videolink: str = ""


async def _keuzes(state: State, hub_id: uuid.UUID) -> dict[str, Any]:
    async with state.engine.connect() as conn:
        gemeenten = await alle_gemeenten(conn, hub_id)
        voorzitters = await casusoverleg.voorzitterkeuzes(conn, hub_id)
    return {"gemeenten": gemeenten, "voorzitters": voorzitters}


class OverleggenController(Controller):
    path = "/hub/casusoverleggen"
    opt = roles(Role.HUB_ADMIN)

    async def _overzicht(self, state: State, admin: HubAdmin) -> dict[str, Any]:
        async with state.engine.connect() as conn:
            overleggen = await casusoverleg.casusoverleggen(conn, admin.hub_id)
            per_overleg = await casusoverleg.leden_per_overleg(conn, admin.hub_id)
        return {
            "overleggen": overleggen,
            "leden": per_overleg,
            "fouten": {},
            "waarden": {},
            **await _keuzes(state, admin.hub_id),
        }

    @get("", name="hub-overleggen")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        return render(
            request,
            "hub/overleggen.html",
            await self._overzicht(state, admin),
            fragment="hub/_overleggen.html",
        )

    @post("", name="hub-overleg-maken")
    async def maken(
        self, request: AnyRequest, state: State, data: Annotated[Overlegformulier, FORMULIER]
    ) -> Template | Redirect:
        admin = hub_admin(request)
        fouten: dict[str, str] = {}
        try:
            tenant_ids = [uuid.UUID(t) for t in meerdere(data.gemeenten)]
            voorzitter = data.voorzitter
            voorzitter_id = uuid.UUID(voorzitter) if voorzitter else None
        except ValueError:
            tenant_ids, voorzitter_id = [], None
            fouten["gemeenten"] = "Kies een of meer gemeenten van deze hub."
        if voorzitter_id is not None and voorzitter_id not in {
            v.id for v in (await _keuzes(state, admin.hub_id))["voorzitters"]
        }:
            fouten["voorzitter"] = "Kies een procesregisseur van deze hub als voorzitter."
        if not fouten:
            try:
                async with state.engine.begin() as conn:
                    overleg_id = await maak_casusoverleg(
                        conn, admin.hub_id, data.naam, tenant_ids, voorzitter_id
                    )
                    await record(
                        conn,
                        "casusoverleg_aangemaakt",
                        actor_user_id=admin.user_id,
                        target=str(overleg_id),
                        ip=admin.ip,
                    )
            except RegistryError as exc:
                fouten[exc.field or "naam"] = exc.message
        if fouten:
            context = await self._overzicht(state, admin)
            context.update(
                fouten=fouten,
                waarden={
                    "naam": data.naam,
                    "gemeenten": meerdere(data.gemeenten),
                    "voorzitter": data.voorzitter,
                },
            )
            return render(
                request,
                "hub/overleggen.html",
                context,
                fragment="hub/_overleggen.html",
                status_code=422,
            )
        return Redirect(f"/hub/casusoverleggen/{overleg_id}", status_code=303)

    async def _overleg(self, state: State, admin: HubAdmin, overleg_id: uuid.UUID) -> Any:
        async with state.engine.connect() as conn:
            overleg = await casusoverleg.casusoverleg(conn, overleg_id)
            if overleg is None:
                raise NotFoundException
            in_hub(overleg.hub_id, admin)
            bijeenkomsten = await casusoverleg.bijeenkomsten(conn, overleg_id)
            gemeenten = await casusoverleg.gemeentenamen(conn, overleg_id)
        return {
            "overleg": overleg,
            "bijeenkomsten": bijeenkomsten,
            "gemeenten": gemeenten,
            "tijdzone": klok.TIJDZONE,
            "fouten": {},
            "waarden": {},
        }

    @get("/{overleg_id:uuid}", name="hub-overleg")
    async def overleg(
        self, request: AnyRequest, state: State, overleg_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = hub_admin(request)
        return render(
            request,
            "hub/overleg.html",
            await self._overleg(state, admin, overleg_id),
            fragment="hub/_bijeenkomsten.html",
        )

    @post("/{overleg_id:uuid}/bijeenkomsten", name="hub-bijeenkomst-plannen")
    async def plannen(
        self,
        request: AnyRequest,
        state: State,
        overleg_id: FromPath[uuid.UUID],
        data: Annotated[Bijeenkomstformulier, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        context = await self._overleg(state, admin, overleg_id)
        waarden = data.waarden()
        fouten: dict[str, str] = {}
        try:
            dag = datum(waarden["datum"])
            if dag is None:
                raise ValueError(waarden["datum"])
        except ValueError:
            dag = None
            fouten["datum"] = DATUM_FOUT
        tijden: dict[str, datetime] = {}
        for veld in ("begin", "einde"):
            try:
                uur, minuut = (int(x) for x in waarden[veld].split(":"))
                if dag is not None:
                    tijden[veld] = datetime(
                        dag.year, dag.month, dag.day, uur, minuut, tzinfo=klok.TIJDZONE
                    )
            except ValueError:
                fouten[veld] = "Vul een tijd in als uu:mm, bijvoorbeeld 09:30."
        if not fouten:
            try:
                async with state.engine.begin() as conn:
                    await plan_bijeenkomst(
                        conn,
                        admin.hub_id,
                        overleg_id,
                        tijden["begin"],
                        tijden["einde"],
                        waarden["locatie"],
                        waarden["videolink"].strip(),
                    )
            except RegistryError as exc:
                naar_veld = {"begint_op": "begin", "eindigt_op": "einde"}
                fouten[naar_veld.get(exc.field or "", exc.field or "datum")] = exc.message
        context = await self._overleg(state, admin, overleg_id)
        if fouten:
            context.update(fouten=fouten, waarden=waarden)
        return render(
            request,
            "hub/overleg.html",
            context,
            fragment="hub/_bijeenkomsten.html",
            status_code=422 if fouten else 200,
        )
