"""API tokens (shown once, revocable) and the admin audit log with filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import or_, select

from casushub.platform.hub.api_tokens import maak_token, trek_in
from casushub.platform.hub.models import ApiToken
from casushub.platform.identity.audit import record
from casushub.platform.identity.models import AdminAuditEntry, Organisation, User
from casushub.platform.identity.roles import Role
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError
from casushub.platform.zoeken import bevat
from casushub.web.auth.guards import roles
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw
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
            tokens = (
                await conn.execute(
                    select(ApiToken)
                    .where(ApiToken.hub_id == hub_id)
                    .order_by(ApiToken.created_at.desc())
                )
            ).all()
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
            vanaf, fouten["van"] = None, "Vul een datum in als dd-mm-jjjj."
        try:
            tot_en_met = datum(tot)
        except ValueError:
            tot_en_met, fouten["tot"] = None, "Vul een datum in als dd-mm-jjjj."
        hub_orgs = select(Organisation.id).where(Organisation.hub_id == admin.hub_id)
        hub_users = select(User.id).where(User.organisation_id.in_(hub_orgs))
        hub_slugs = select(Tenant.slug).where(Tenant.hub_id == admin.hub_id)
        # Only this hub's entries: its organisations, its users' actions, its municipalities.
        query = (
            select(AdminAuditEntry, User.name.label("actor_naam"), User.email.label("actor_email"))
            .outerjoin(User, User.id == AdminAuditEntry.actor_user_id)
            .where(
                or_(
                    AdminAuditEntry.organisation_id.in_(hub_orgs),
                    AdminAuditEntry.actor_user_id.in_(hub_users),
                    AdminAuditEntry.target.in_(hub_slugs),
                )
            )
        )
        if wie.strip():
            query = query.where(or_(bevat(User.name, wie.strip()), bevat(User.email, wie.strip())))
        if wat.strip():
            query = query.where(bevat(AdminAuditEntry.action, wat.strip()))
        if vanaf:
            query = query.where(
                AdminAuditEntry.occurred_at >= datetime.combine(vanaf, time.min, tzinfo=UTC)
            )
        if tot_en_met:
            query = query.where(
                AdminAuditEntry.occurred_at
                < datetime.combine(tot_en_met + timedelta(days=1), time.min, tzinfo=UTC)
            )
        async with state.engine.connect() as conn:
            regels = (
                await conn.execute(query.order_by(AdminAuditEntry.occurred_at.desc()).limit(200))
            ).all()
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
