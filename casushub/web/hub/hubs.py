"""The platform operator's screens: create and edit hubs, invite a hub's first admin."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.platform.hub.hubs import alle_hubs, hubrij, wijzig_hub, zet_contact
from casushub.platform.hub.organisaties import hub_organisatie
from casushub.platform.identity.audit import record
from casushub.platform.identity.memberships import invite
from casushub.platform.identity.organisations import create_organisation, domain_of
from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.models import HubType
from casushub.platform.registry import RegistryError, create_hub
from casushub.web.auth.guards import current_identity, roles
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw
from casushub.web.hub.deps import AnyRequest, mail_versturen

__all__ = ["HubsController"]

HUB_TYPES = [
    (HubType.ZVH.value, "Zorg- en Veiligheidshuis"),
    (HubType.CENTRUMGEMEENTE.value, "Centrumgemeente"),
    (HubType.GEMEENTE.value, "Eén gemeente"),
]
NAVIGATIE = [{"label": "Hubs", "href": "/platform/hubs"}]


@dataclass
class Hubformulier(Formulier):
    naam: str = ""
    slug: str = ""
    type: str = ""
    contact: str = ""


@dataclass
class Beheerderuitnodiging(Formulier):
    email: str = ""
    organisatie: str = ""
    slug: str = ""


def _page(name: str, context: dict[str, Any], status_code: int = 200) -> Template:
    return Template(
        name,
        context={"navigation": NAVIGATIE, "hub_types": HUB_TYPES, **context},
        status_code=status_code,
    )


class HubsController(Controller):
    path = "/platform/hubs"
    opt = roles(Role.PLATFORM_OPERATOR)

    @get("", name="platform-hubs")
    async def overzicht(self, state: State) -> Template:
        async with state.engine.connect() as conn:
            hubs = await alle_hubs(conn)
        return _page("hub/hubs.html", {"hubs": hubs, "fouten": {}, "waarden": {}})

    @post("", name="platform-hub-maken")
    async def maken(
        self, request: AnyRequest, state: State, data: Annotated[Hubformulier, FORMULIER]
    ) -> Template | Redirect:
        waarden = {k: getattr(data, k).strip() for k in ("naam", "slug", "type", "contact")}

        async def actie() -> Redirect:
            hub_id = await create_hub(
                state.engine, slug=waarden["slug"], name=waarden["naam"], type=waarden["type"]
            )
            identity = current_identity(request)
            async with state.engine.begin() as conn:
                await zet_contact(conn, hub_id, waarden["contact"])
                await record(
                    conn,
                    "hub_aangemaakt",
                    actor_user_id=identity.user_id if identity else None,
                    target=waarden["slug"],
                )
            return Redirect(f"/platform/hubs/{hub_id}", status_code=303)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            async with state.engine.connect() as conn:
                hubs = await alle_hubs(conn)
            fouten = {{"name": "naam"}.get(k, k): v for k, v in fouten.items()}
            return _page("hub/hubs.html", {"hubs": hubs, "fouten": fouten, "waarden": waarden})

        return await of_opnieuw(actie, opnieuw, standaardveld="naam")

    async def _hub(self, state: State, hub_id: uuid.UUID) -> dict[str, Any]:
        async with state.engine.connect() as conn:
            hub = await hubrij(conn, hub_id)
            if hub is None:
                raise NotFoundException
            eigen = await hub_organisatie(conn, hub_id)
        return {
            "hub": hub,
            "eigen": eigen,
            "waarden": {"naam": hub.name, "type": hub.type, "contact": hub.contact},
            "fouten": {},
            "uitnodiging_fouten": {},
            "uitnodiging_waarden": {},
            "melding": "",
        }

    @get("/{hub_id:uuid}", name="platform-hub")
    async def hub(self, state: State, hub_id: FromPath[uuid.UUID]) -> Template:
        return _page("hub/hub.html", await self._hub(state, hub_id))

    @post("/{hub_id:uuid}", name="platform-hub-wijzigen")
    async def wijzigen(
        self, state: State, hub_id: FromPath[uuid.UUID], data: Annotated[Hubformulier, FORMULIER]
    ) -> Template:
        context = await self._hub(state, hub_id)
        waarden = {k: getattr(data, k).strip() for k in ("naam", "type", "contact")}
        fouten: dict[str, str] = {}
        if not waarden["naam"] or len(waarden["naam"]) > 200:
            fouten["naam"] = "Vul de naam van de hub in (hooguit 200 tekens)."
        if waarden["type"] not in {t.value for t in HubType}:
            fouten["type"] = "Kies het soort hub."
        if not fouten:
            async with state.engine.begin() as conn:
                await wijzig_hub(conn, hub_id, waarden["naam"], waarden["type"], waarden["contact"])
            context = await self._hub(state, hub_id)
            context["melding"] = "De hub is opgeslagen."
        else:
            context.update(fouten=fouten, waarden=waarden)
        return _page("hub/hub.html", context, status_code=422 if fouten else 200)

    @post("/{hub_id:uuid}/beheerder", name="platform-hub-beheerder")
    async def beheerder(
        self,
        request: AnyRequest,
        state: State,
        hub_id: FromPath[uuid.UUID],
        data: Annotated[Beheerderuitnodiging, FORMULIER],
    ) -> Template:
        """Invite the first hub admin, into the hub's own organisation (created if needed)."""
        context = await self._hub(state, hub_id)
        waarden = {k: v.strip() for k, v in data.waarden().items()}
        email = waarden["email"].lower()

        async def actie() -> Template:
            domein = domain_of(email)
            if domein is None:
                raise RegistryError("Vul een geldig e-mailadres in.", "email")
            identity = current_identity(request)
            async with state.engine.begin() as conn:
                eigen = context["eigen"]
                if eigen is None:
                    organisation_id = await create_organisation(
                        conn,
                        slug=waarden["slug"] or f"{context['hub'].slug}_beheer",
                        name=waarden["organisatie"] or context["hub"].name,
                        type=OrganisationType.HUB.value,
                        email_domains=[domein],
                        hub_id=hub_id,
                    )
                else:
                    organisation_id = eigen.id
                    if domein not in eigen.email_domains:
                        raise RegistryError(
                            "Het e-mailadres hoort niet bij de organisatie van de hub "
                            f"({', '.join(eigen.email_domains)}).",
                            "email",
                        )
                await invite(
                    conn,
                    organisation_id=organisation_id,
                    email=email,
                    role=Role.HUB_ADMIN,
                    hub_id=hub_id,
                    invited_by=identity.user_id if identity else None,
                )
            await mail_versturen(state, email, "uitnodiging", "/auth/login")
            nieuw = await self._hub(state, hub_id)
            nieuw["melding"] = f"{email} is uitgenodigd als hubbeheerder."
            return _page("hub/hub.html", nieuw)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            fouten = {{"email_domains": "email"}.get(k, k): v for k, v in fouten.items()}
            context.update(uitnodiging_fouten=fouten, uitnodiging_waarden=waarden)
            return _page("hub/hub.html", context)

        return await of_opnieuw(actie, opnieuw, standaardveld="email")
