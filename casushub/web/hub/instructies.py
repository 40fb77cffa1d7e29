"""Instructions on handling these personal data: publish (hub admin), read and accept (every
user, before their first access to case data), recorded training, and the FG's overview."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform import klok
from casushub.platform.fouten import RegelFouten
from casushub.platform.hub import instructies
from casushub.platform.hub.gebruikers import actieve_gebruikers, gebruiker_van_hub
from casushub.platform.hub.gemeenten import hub_van
from casushub.platform.identity.access import Identity, InstructionsNotAccepted
from casushub.platform.identity.audit import record
from casushub.platform.identity.roles import Role
from casushub.platform.registry import RegistryError
from casushub.web.auth.guards import current_identity, roles, signed_in
from casushub.web.formulieren import FORMULIER, Formulier, datumveld, of_opnieuw
from casushub.web.hub.deps import AnyRequest, HubAdmin, hub_admin, render

__all__ = ["InstructiesController", "instructies_handlers", "instructies_redirect"]


@dataclass
class Acceptatie(Formulier):
    versie: str = ""
    gelezen: str = ""
    volgende: str = "/"  # where the reader came from; the start page when left out


@dataclass
class Publicatie(Formulier):
    tekst: str = ""


@dataclass
class Trainingsregistratie(Formulier):
    gebruiker: str = ""
    datum: str = ""
    omschrijving: str = ""


def instructies_redirect(request: AnyRequest, _: InstructionsNotAccepted) -> Response[Any]:
    """Tenant routes send a user who has not accepted the current version to read it first."""
    volgende = quote(request.url.path, safe="")
    target = f"/instructies?volgende={volgende}"
    if request.headers.get("hx-request") == "true":
        return Response(b"", status_code=204, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


async def _hub_of_context(conn: AsyncConnection, identity: Identity | None) -> uuid.UUID:
    active = identity.active if identity else None
    if active is None:
        raise PermissionDeniedException
    if active.hub_id is not None:
        return active.hub_id
    hub_id = await hub_van(conn, active.tenant_id) if active.tenant_id else None
    if hub_id is None:
        raise PermissionDeniedException
    return hub_id


def _veilig(volgende: str) -> str:
    # Only a local path: never an open redirect.
    return volgende if volgende.startswith("/") and not volgende.startswith("//") else "/"


class InstructieLezenController(Controller):
    """Reading and accepting the instruction; the FG's overview."""

    path = "/"
    opt = signed_in()

    @get("/instructies", name="instructies-lezen")
    async def lezen(
        self, request: AnyRequest, state: State, volgende: FromQuery[str] = "/"
    ) -> Template:
        async with state.engine.connect() as conn:
            hub_id = await _hub_of_context(conn, current_identity(request))
            huidige = await instructies.huidige(conn, hub_id)
        return Template(
            "hub/instructies_lezen.html",
            context={"instructie": huidige, "volgende": _veilig(volgende), "fout": ""},
        )

    @post("/instructies/accepteren", name="instructies-accepteren", status_code=303)
    async def accepteren(
        self, request: AnyRequest, state: State, data: Annotated[Acceptatie, FORMULIER]
    ) -> Response[Any]:
        identity = current_identity(request)
        volgende = _veilig(data.volgende)
        try:
            versie = int(data.versie)
        except ValueError:
            versie = -1
        try:
            async with state.engine.begin() as conn:
                hub_id = await _hub_of_context(conn, identity)
                if data.gelezen != "ja":
                    raise RegistryError("Bevestig dat u de instructie heeft gelezen.", "gelezen")
                assert identity is not None  # noqa: S101 - _hub_of_context refused None
                await instructies.accepteer(conn, hub_id, identity.user_id, versie)
                await record(
                    conn,
                    "instructie_geaccepteerd",
                    actor_user_id=identity.user_id,
                    organisation_id=identity.organisation_id,
                    details={"versie": versie},
                )
        except RegistryError as exc:
            async with state.engine.connect() as conn:
                huidige = await instructies.huidige(conn, hub_id)
            return Template(
                "hub/instructies_lezen.html",
                context={"instructie": huidige, "volgende": volgende, "fout": exc.message},
                status_code=422,
            )
        return Redirect(volgende, status_code=303)

    @get("/fg/instructies", name="fg-instructies", opt=roles(Role.FG_AUDITOR))
    async def fg_overzicht(self, request: AnyRequest, state: State) -> Template:
        async with state.engine.connect() as conn:
            hub_id = await _hub_of_context(conn, current_identity(request))
            lijst = await instructies.acceptaties(conn, hub_id)
        return Template(
            "hub/instructies_fg.html",
            context={"acceptaties": lijst},
        )


class InstructiesController(Controller):
    path = "/hub/instructies"
    opt = roles(Role.HUB_ADMIN)

    async def _context(self, conn: AsyncConnection, hub_id: uuid.UUID) -> dict[str, Any]:
        versies = await instructies.versies(conn, hub_id)
        gebruikers = await actieve_gebruikers(conn, hub_id)
        trainingen = await instructies.trainingen(conn, hub_id)
        return {
            "huidige": await instructies.huidige(conn, hub_id),
            "versies": versies,
            "acceptaties": await instructies.acceptaties(conn, hub_id),
            "gebruikers": gebruikers,
            "trainingen": trainingen,
            "fouten": {},
            "waarden": {},
        }

    @get("", name="hub-instructies")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        async with state.engine.connect() as conn:
            context = await self._context(conn, admin.hub_id)
        return render(request, "hub/instructies.html", context)

    @post("", name="hub-instructies-publiceren")
    async def publiceren(
        self, request: AnyRequest, state: State, data: Annotated[Publicatie, FORMULIER]
    ) -> Template:
        admin = hub_admin(request)

        async def actie() -> Template:
            async with state.engine.begin() as conn:
                versie = await instructies.publiceer(conn, admin.hub_id, data.tekst, admin.user_id)
                await record(
                    conn,
                    "instructie_gepubliceerd",
                    actor_user_id=admin.user_id,
                    details={"versie": versie},
                    ip=admin.ip,
                )
            return await self._pagina(request, state, admin, {}, {})

        return await of_opnieuw(
            actie,
            lambda fouten: self._pagina(request, state, admin, fouten, data.waarden()),
            standaardveld="tekst",
        )

    @post("/training", name="hub-training")
    async def training(
        self, request: AnyRequest, state: State, data: Annotated[Trainingsregistratie, FORMULIER]
    ) -> Template:
        admin = hub_admin(request)

        async def actie() -> Template:
            fouten: dict[str, str] = {}
            try:
                gevolgd = datumveld(data.datum, "datum") or klok.vandaag()
            except RegelFouten as fout:
                gevolgd = klok.vandaag()
                fouten.update(fout.fouten)
            try:
                user_id = uuid.UUID(data.gebruiker)
            except ValueError:
                fouten["gebruiker"] = "Kies een gebruiker."
            if fouten:
                raise RegelFouten(fouten)
            async with state.engine.begin() as conn:
                if not await gebruiker_van_hub(conn, admin.hub_id, user_id):
                    raise RegistryError("Kies een gebruiker.", "gebruiker")
                await instructies.leg_training_vast(
                    conn, admin.hub_id, user_id, gevolgd, data.omschrijving, admin.user_id
                )
            return await self._pagina(request, state, admin, {}, {})

        return await of_opnieuw(
            actie,
            lambda fouten: self._pagina(request, state, admin, fouten, data.waarden()),
            standaardveld="omschrijving",
        )

    async def _pagina(
        self,
        request: AnyRequest,
        state: State,
        admin: HubAdmin,
        fouten: dict[str, str],
        waarden: dict[str, str],
    ) -> Template:
        async with state.engine.connect() as conn:
            context = await self._context(conn, admin.hub_id)
        context.update(fouten=fouten, waarden=waarden)
        return render(request, "hub/instructies.html", context)


instructies_handlers: list[ControllerRouterHandler] = [
    InstructieLezenController,
    InstructiesController,
]
