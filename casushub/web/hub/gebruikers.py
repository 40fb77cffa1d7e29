"""Inviting users into one of the hub's organisations with roles per municipality."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform import klok
from casushub.platform.hub import gebruikers
from casushub.platform.hub.autorisatiereview import bevestig, laatste_review
from casushub.platform.identity.audit import record
from casushub.platform.identity.memberships import deactivate_user
from casushub.platform.identity.roles import ROLE_LABELS, Role
from casushub.web.auth.guards import roles
from casushub.web.formulieren import FORMULIER, Formulier, meerdere
from casushub.web.hub.deps import (
    AnyRequest,
    HubAdmin,
    hub_admin,
    in_hub,
    mail_versturen,
    render,
)

__all__ = ["GebruikersController"]


@dataclass
class Gebruikeruitnodiging(Formulier):
    organisatie: str = ""
    email: str = ""
    rol: str = ""
    gemeenten: list[str] | str = field(default_factory=list)


async def _gebruikers(
    state: State, hub_id: uuid.UUID, organisation_id: uuid.UUID | None = None
) -> dict[str, Any]:
    async with state.engine.connect() as conn:
        overzicht = await gebruikers.gebruikersoverzicht(conn, hub_id, organisation_id)
    return {
        "gebruikers": overzicht.gebruikers,
        "rollen": overzicht.rollen,
        "uitnodigingen": overzicht.uitnodigingen,
        "organisaties": overzicht.organisaties,
        "gemeenten": overzicht.gemeenten,
        "rol_opties": [(r.value, ROLE_LABELS[r]) for r in Role if r != Role.PLATFORM_OPERATOR],
        "role_labels": {r.value: ROLE_LABELS[r] for r in Role},
        "fouten": {},
        "waarden": {},
        "melding": "",
    }


async def _eigen_gebruiker(state: State, admin: HubAdmin, user_id: uuid.UUID) -> Any:
    async with state.engine.connect() as conn:
        row = await gebruikers.gebruiker_met_hub(conn, user_id)
    if row is None:
        raise NotFoundException
    in_hub(row.hub_id, admin)
    return row


async def _open_uitnodiging(
    conn: AsyncConnection, admin: HubAdmin, invitation_id: uuid.UUID
) -> Any:
    """An invitation of this admin's hub that was not yet used; 404 otherwise."""
    row = await gebruikers.open_uitnodiging(conn, invitation_id)
    if row is None:
        raise NotFoundException
    in_hub(row.hub_id, admin)
    return row


class GebruikersController(Controller):
    path = "/hub/gebruikers"
    opt = roles(Role.HUB_ADMIN)

    @get("", name="hub-gebruikers")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        return render(
            request,
            "hub/gebruikers.html",
            await _gebruikers(state, admin.hub_id),
            fragment="hub/_gebruikers.html",
        )

    @post("/uitnodigen", name="hub-gebruiker-uitnodigen")
    async def uitnodigen(
        self, request: AnyRequest, state: State, data: Annotated[Gebruikeruitnodiging, FORMULIER]
    ) -> Template:
        admin = hub_admin(request)
        gekozen = meerdere(data.gemeenten)
        fouten: dict[str, str] = {}
        try:
            organisation_id = uuid.UUID(data.organisatie)
            gemeente_ids = [uuid.UUID(g) for g in gekozen]
        except ValueError:
            fouten["organisatie"] = "Kies een organisatie van deze hub."
        email = data.email.strip()
        if not fouten:
            fouten = await gebruikers.nodig_uit(
                state.engine,
                admin.hub_id,
                admin.user_id,
                organisation_id,
                email,
                data.rol,
                gemeente_ids,
            )
        if not fouten:
            await _mail(state, email, "uitnodiging")
        context = await _gebruikers(state, admin.hub_id)
        context.update(
            fouten=fouten,
            waarden={
                **{k: v for k, v in data.waarden().items() if k != "gemeenten"},
                "gemeenten": gekozen,
            }
            if fouten
            else {},
            melding="" if fouten else f"{email} is uitgenodigd.",
        )
        return render(
            request,
            "hub/gebruikers.html",
            context,
            fragment="hub/_gebruikers.html",
            status_code=422 if fouten else 200,
        )

    @post("/uitnodigingen/{invitation_id:uuid}/opnieuw", name="hub-uitnodiging-opnieuw")
    async def opnieuw(
        self, request: AnyRequest, state: State, invitation_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = hub_admin(request)
        async with state.engine.begin() as conn:
            row = await _open_uitnodiging(conn, admin, invitation_id)
            await gebruikers.verleng_uitnodiging(conn, invitation_id)
            await record(
                conn,
                "uitnodiging_opnieuw_verstuurd",
                actor_user_id=admin.user_id,
                organisation_id=row.organisation_id,
                target=row.email,
                ip=admin.ip,
            )
        await _mail(state, row.email, "uitnodiging")
        context = await _gebruikers(state, admin.hub_id)
        context["melding"] = f"De uitnodiging aan {row.email} is opnieuw verstuurd."
        return render(request, "hub/gebruikers.html", context, fragment="hub/_gebruikers.html")

    @post("/uitnodigingen/{invitation_id:uuid}/intrekken", name="hub-uitnodiging-intrekken")
    async def intrekken(
        self, request: AnyRequest, state: State, invitation_id: FromPath[uuid.UUID]
    ) -> Template:
        """An invitation sent to the wrong address or no longer wanted: it can no longer be used."""
        admin = hub_admin(request)
        async with state.engine.begin() as conn:
            row = await _open_uitnodiging(conn, admin, invitation_id)
            await gebruikers.trek_uitnodiging_in(conn, invitation_id)
            await record(
                conn,
                "uitnodiging_ingetrokken",
                actor_user_id=admin.user_id,
                organisation_id=row.organisation_id,
                target=row.email,
                ip=admin.ip,
            )
        context = await _gebruikers(state, admin.hub_id)
        context["melding"] = f"De uitnodiging aan {row.email} is ingetrokken."
        return render(request, "hub/gebruikers.html", context, fragment="hub/_gebruikers.html")

    @post("/{user_id:uuid}/uitschakelen", name="hub-gebruiker-uitschakelen", status_code=303)
    async def uitschakelen(
        self, request: AnyRequest, state: State, user_id: FromPath[uuid.UUID]
    ) -> Redirect:
        admin = hub_admin(request)
        await _eigen_gebruiker(state, admin, user_id)
        async with state.engine.begin() as conn:
            await deactivate_user(conn, user_id, actor=admin.actor)
        return Redirect("/hub/gebruikers", status_code=303)

    @get("/review", name="hub-review")
    async def review(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        return render(request, "hub/review.html", await _review_context(state, admin))

    @post("/review", name="hub-review-bevestigen")
    async def bevestigen(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        async with state.engine.begin() as conn:
            # Confirmed by the organisation's own admin: the admin's own organisation only.
            volgende = await bevestig(
                conn,
                admin.identity.organisation_id,
                admin.user_id,
                klok.vandaag(),
                state.settings.authorisation_review_days,
            )
        context = await _review_context(state, admin)
        context["melding"] = f"Bevestigd. De volgende review is op {volgende.strftime('%d-%m-%Y')}."
        return render(request, "hub/review.html", context)


async def _review_context(state: State, admin: HubAdmin) -> dict[str, Any]:
    context = await _gebruikers(state, admin.hub_id, admin.identity.organisation_id)
    async with state.engine.connect() as conn:
        laatste = await laatste_review(conn, admin.identity.organisation_id)
    context["laatste"] = laatste
    context["organisatie"] = admin.identity.organisation_name
    return context


async def _mail(state: State, email: str, kind: str) -> None:
    await mail_versturen(state, email, kind, "/auth/login")
