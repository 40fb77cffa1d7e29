"""API tokens (shown once, revocable) and the admin audit log with filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from casushub.platform.hub.api_tokens import maak_token, tokens_van_hub, trek_in
from casushub.platform.hub.auditlog import auditregels
from casushub.platform.identity.audit import record
from casushub.platform.identity.roles import Role
from casushub.platform.registry import RegistryError
from casushub.web.auth.guards import roles
from casushub.web.formulieren import DATUM_FOUT, FORMULIER, Formulier, of_opnieuw
from casushub.web.hub.deps import AnyRequest, datum, hub_admin, render

__all__ = ["ApiTokensController", "AuditController"]


@dataclass
class Tokenaanvraag(Formulier):
    naam: str = ""
    geldig_dagen: str = "90"  # the form's own default, also when the field is left out


class ApiTokensController(Controller):
    path = "/hub/api-tokens"
    opt = roles(Role.HUB_ADMIN)

    async def _context(self, state: State, hub_id: uuid.UUID) -> dict[str, Any]:
        async with state.engine.connect() as conn:
            tokens = await tokens_van_hub(conn, hub_id)
        return {"tokens": tokens, "fouten": {}, "waarden": {}, "nieuw_token": None}

    @get("", name="hub-api-tokens")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        return render(
            request,
            "hub/api_tokens.html",
            await self._context(state, admin.hub_id),
            fragment="hub/_api_tokens.html",
        )

    @post("", name="hub-api-token-maken")
    async def maken(
        self, request: AnyRequest, state: State, data: Annotated[Tokenaanvraag, FORMULIER]
    ) -> Template:
        admin = hub_admin(request)
        try:
            dagen = int(data.geldig_dagen)
        except ValueError:
            dagen = 0

        async def pagina(fouten: dict[str, str], token: str | None) -> Template:
            context = await self._context(state, admin.hub_id)
            # Shown once, in this response only; stored as a hash.
            context.update(
                fouten=fouten, waarden=data.waarden() if fouten else {}, nieuw_token=token
            )
            return render(request, "hub/api_tokens.html", context, fragment="hub/_api_tokens.html")

        async def actie() -> Template:
            async with state.engine.begin() as conn:
                token_id, token = await maak_token(
                    conn, admin.hub_id, data.naam, dagen, admin.user_id
                )
                await record(
                    conn,
                    "api_token_aangemaakt",
                    actor_user_id=admin.user_id,
                    target=str(token_id),
                    ip=admin.ip,
                )
            return await pagina({}, token)

        return await of_opnieuw(actie, lambda fouten: pagina(fouten, None), standaardveld="naam")

    @post("/{token_id:uuid}/intrekken", name="hub-api-token-intrekken")
    async def intrekken(
        self, request: AnyRequest, state: State, token_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = hub_admin(request)
        try:
            async with state.engine.begin() as conn:
                await trek_in(conn, admin.hub_id, token_id)
                await record(
                    conn,
                    "api_token_ingetrokken",
                    actor_user_id=admin.user_id,
                    target=str(token_id),
                    ip=admin.ip,
                )
        except RegistryError as exc:
            raise NotFoundException from exc
        return render(
            request,
            "hub/api_tokens.html",
            await self._context(state, admin.hub_id),
            fragment="hub/_api_tokens.html",
        )


class AuditController(Controller):
    path = "/hub/audit"
    opt = roles(Role.HUB_ADMIN)

    @get("", name="hub-audit")
    async def overzicht(
        self,
        request: AnyRequest,
        state: State,
        wie: FromQuery[str] = "",
        wat: FromQuery[str] = "",
        van: FromQuery[str] = "",
        tot: FromQuery[str] = "",
    ) -> Template:
        admin = hub_admin(request)
        fouten: dict[str, str] = {}
        try:
            vanaf = datum(van)
        except ValueError:
            vanaf, fouten["van"] = None, DATUM_FOUT
        try:
            tot_en_met = datum(tot)
        except ValueError:
            tot_en_met, fouten["tot"] = None, DATUM_FOUT
        async with state.engine.connect() as conn:
            regels = await auditregels(
                conn, admin.hub_id, wie=wie, wat=wat, vanaf=vanaf, tot_en_met=tot_en_met
            )
        return render(
            request,
            "hub/audit.html",
            {
                "regels": regels,
                "filters": {"wie": wie, "wat": wat, "van": van, "tot": tot},
                "fouten": fouten,
            },
            fragment="hub/_audit_tabel.html",
            status_code=422 if fouten else 200,
        )
