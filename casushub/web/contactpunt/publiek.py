"""The public contactpunt page of each municipality: no sign-in, a plain-Dutch form.

Anyone can ask the burgemeester (contactpunt, Besluit art. 2(2)) for inzage, correction,
erasure, restriction or to object. The form asks in which municipality the person lives: the
request goes to *that* municipality's contactpunt on this hub, whichever municipality's page it
was filed on, with day 0 = today; a municipality not on the hub gets a page that says where to
go, and nothing is stored. Abuse is kept out without third parties: CSRF token (app-wide), a
honeypot field, and limits per client address and per e-mail address (keyed hashes).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from casushub.crosstenant.contactpunt import routeer
from casushub.platform import klok
from casushub.platform.fouten import RegelFouten
from casushub.platform.hub.gemeenten import gemeente_op_hub
from casushub.platform.logs import request_id_var
from casushub.platform.registry import servable_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import SLUG_PATTERN, TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken.rules import VerzoekType, ontvangstnummer, termijn
from casushub.tenants.verzoeken.schemas import Invoerfouten, NieuwVerzoek, lees_formulier
from casushub.web.auth.guards import public
from casushub.web.contactpunt.common import (
    SOORTEN,
    Aanvraagvelden,
    datum_nl,
    hub_gemeenten,
    op_volgorde,
    waarden_van,
)
from casushub.web.formulieren import FORMULIER, of_opnieuw
from casushub.web.ratelimit import Limiet, client_key, limiet, te_veel

__all__ = ["ANDERE_GEMEENTE", "ONTVANGEN_KEY", "TE_VEEL", "TE_VEEL_EMAIL", "publieke_handlers"]

HONEYPOT = "website"
ONTVANGEN_KEY = "contactpunt_ontvangen"
# The choice for a municipality that does not work with this platform.
ANDERE_GEMEENTE = "elders"
UUR = 3600.0
DAG = 24 * UUR
TE_VEEL = (
    "U heeft vandaag al te vaak een verzoek gestuurd. Wacht een uur en probeer het dan opnieuw. "
    "Lukt het dan nog niet? Bel of schrijf de gemeente."
)
TE_VEEL_EMAIL = (
    "Met dit e-mailadres zijn vandaag al meerdere verzoeken gestuurd. Uw eerdere verzoeken zijn "
    "ontvangen. Probeer het morgen opnieuw, of bel de gemeente."
)
KIES_GEMEENTE = "Kies de gemeente waar u woont."
# Error summary order: the fields as the form shows them.
VOLGORDE = ("type", "gemeente_van_verblijf", "naam", "geboortedatum", "email", "telefoon")


@dataclass
class Verzoekformulier(Aanvraagvelden):
    website: str = ""  # the honeypot (HONEYPOT): people do not see it


@dataclass(frozen=True)
class Gemeente:
    ref: TenantRef
    naam: str
    code: str
    hub_id: uuid.UUID


def _limieten(state: State) -> tuple[Limiet, Limiet]:
    settings: Settings = state.settings
    return (
        limiet(state, "contactpunt_client", settings.contactpunt_limiet_client, UUR),
        limiet(state, "contactpunt_email", settings.contactpunt_limiet_email, DAG),
    )


async def _gemeente(state: State, slug: str) -> Gemeente:
    """The municipality behind the slug; 404 for anything that is not one on this hub."""
    if not SLUG_PATTERN.match(slug):
        raise NotFoundException
    async with state.engine.connect() as conn:
        gevonden = await gemeente_op_hub(conn, slug)
        if gevonden is None:
            raise NotFoundException
        # Suspended or being migrated: TenantUnavailable -> the Dutch 503 page.
        ref = await servable_tenant(conn, gevonden.id)
    return Gemeente(ref, gevonden.naam, gevonden.gemeentecode, gevonden.hub_id)


async def _gemeenten(state: State, hub_id: uuid.UUID) -> list[tuple[str, str]]:
    return await hub_gemeenten(state, hub_id=hub_id)


async def _formulier(
    state: State,
    gemeente: Gemeente,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    gemeenten = await _gemeenten(state, gemeente.hub_id)
    return Template(
        "contactpunt/formulier.html",
        context={
            "gemeente": gemeente,
            "slug": gemeente.ref.slug,
            "waarden": waarden or {},
            "fouten": fouten or {},
            "soorten": SOORTEN,
            "gemeenten": [
                ("", "Kies uw gemeente"),
                *gemeenten,
                (ANDERE_GEMEENTE, "Een andere gemeente"),
            ],
            "honeypot": HONEYPOT,
        },
        status_code=status_code,
    )


def _ontvangen(
    request: Request[Any, Any, Any],
    gevonden: Gemeente,
    *,
    naar: str,
    nummer: str,
    soort: str,
    ontvangen_op: date,
    uiterlijk: date,
    email: bool,
) -> Redirect:
    # Post/redirect/get: a reload shows the receipt again instead of sending twice. The
    # number travels in the server-side session, never in the URL (access logs).
    request.set_session(
        {
            **(request.session or {}),
            ONTVANGEN_KEY: {
                "slug": gevonden.ref.slug,
                "naar": naar,
                "nummer": nummer,
                "type": soort,
                "ontvangen_op": ontvangen_op.isoformat(),
                "termijn": uiterlijk.isoformat(),
                "email": email,
            },
        }
    )
    return Redirect(f"/contactpunt/{gevonden.ref.slug}/ontvangen", status_code=303)


class PubliekController(Controller):
    """The public page of each municipality: no sign-in."""

    path = "/contactpunt"
    opt = public()

    @get("/{gemeente:str}", name="contactpunt")
    async def contactpunt_pagina(self, gemeente: FromPath[str], state: State) -> Template:
        return await _formulier(state, await _gemeente(state, gemeente))

    @post("/{gemeente:str}", name="contactpunt-indienen")
    async def contactpunt_indienen(
        self,
        gemeente: FromPath[str],
        data: Annotated[Verzoekformulier, FORMULIER],
        request: Request[Any, Any, Any],
        state: State,
    ) -> Response[Any]:
        gevonden = await _gemeente(state, gemeente)
        per_client, per_email = _limieten(state)
        client = client_key(request)
        async with state.engine.begin() as conn:
            if await per_client.vol(conn, client):
                return te_veel(request, TE_VEEL, UUR)
            await per_client.tel(conn, client)
        waarden = {k: v for k, v in waarden_van(data).items() if k != HONEYPOT}
        keuze = waarden["gemeente_van_verblijf"].strip()
        if keuze == ANDERE_GEMEENTE:
            # Not on this hub: the citizen learns where to go; nothing is stored or sent.
            return Template("contactpunt/elders.html", context={"gemeente": gevonden})
        codes = dict(await _gemeenten(state, gevonden.hub_id))
        vandaag = klok.vandaag()

        async def lees() -> NieuwVerzoek:
            fouten: dict[str, str] = {}
            if keuze not in codes:
                fouten["gemeente_van_verblijf"] = KIES_GEMEENTE
            try:
                aanvraag = lees_formulier(waarden, vandaag=vandaag)
            except Invoerfouten as exc:
                fouten.update(exc.fouten)
                aanvraag = None
            if fouten or aanvraag is None:
                raise RegelFouten(op_volgorde(fouten, VOLGORDE))
            return aanvraag

        gelezen = await of_opnieuw(
            lees,
            lambda fouten: _formulier(state, gevonden, waarden=waarden, fouten=fouten),
            standaardveld="naam",
        )
        if isinstance(gelezen, Template):
            return gelezen
        aanvraag = gelezen
        if aanvraag.indiener_email:
            async with state.engine.connect() as conn:
                if await per_email.vol(conn, aanvraag.indiener_email):
                    return te_veel(request, TE_VEEL_EMAIL, UUR)
        if data.website.strip():
            # Filled by a bot (people do not see the field). Answered exactly like a success, so
            # it learns nothing to adapt to, with a receipt number that exists nowhere: nothing is
            # stored, logged or sent.
            return _ontvangen(
                request,
                gevonden,
                naar=codes[keuze],
                nummer=ontvangstnummer(keuze, vandaag.year),
                soort=aanvraag.type.value,
                ontvangen_op=vandaag,
                uiterlijk=termijn(vandaag),
                email=bool(aanvraag.indiener_email),
            )
        actor = Actor(
            user_id=None, organisation_id=None, role="publiek", request_id=request_id_var.get()
        )
        # The contactpunt is the gemeente van verblijf (Besluit art. 2(2)): the request is
        # registered there; the page's municipality keeps a receipt without personal data.
        routing = await routeer(
            state.engine,
            state.settings,
            actor,
            aanvraag,
            van=gevonden.ref,
            gemeente_van_verblijf=keuze,
        )
        if aanvraag.indiener_email:
            async with state.engine.begin() as conn:
                await per_email.tel(conn, aanvraag.indiener_email)
        return _ontvangen(
            request,
            gevonden,
            naar=codes[keuze],
            nummer=routing.ontvangstnummer or "",
            soort=aanvraag.type.value,
            ontvangen_op=vandaag,
            uiterlijk=termijn(vandaag),
            email=bool(aanvraag.indiener_email),
        )

    @get("/{gemeente:str}/ontvangen", name="contactpunt-ontvangen")
    async def contactpunt_ontvangen(
        self, gemeente: FromPath[str], request: Request[Any, Any, Any], state: State
    ) -> Template | Redirect:
        gevonden = await _gemeente(state, gemeente)
        bewijs = (request.session or {}).get(ONTVANGEN_KEY)
        if not isinstance(bewijs, dict) or bewijs.get("slug") != gevonden.ref.slug:
            return Redirect(f"/contactpunt/{gevonden.ref.slug}", status_code=303)
        return Template(
            "contactpunt/ontvangen.html",
            context={
                "gemeente": gevonden,
                "bewijs": bewijs,
                "naar": bewijs.get("naar") or gevonden.naam,
                "soort": VerzoekType(bewijs["type"]).label,
                "ontvangen_op": datum_nl(bewijs["ontvangen_op"]),
                "termijn": datum_nl(bewijs["termijn"]),
            },
        )


publieke_handlers: list[Any] = [PubliekController]
