"""The public contactpunt page of each municipality: no sign-in, a plain-Dutch form.

Anyone can ask the burgemeester (contactpunt, Besluit art. 2(2)) for inzage, correction,
erasure, restriction or to object. A submission goes straight into that municipality's queue
with day 0 = today and gives the submitter a receipt number. Abuse is kept out without third
parties: CSRF token (app-wide), a honeypot field, and a per-process limit per client address
and per e-mail address (keys are keyed hashes, so the limiter holds no addresses).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy import select

from casushub.platform.logs import request_id_var
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.registry import servable_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import SLUG_PATTERN, TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import services
from casushub.tenants.verzoeken.rules import VerzoekType
from casushub.tenants.verzoeken.schemas import Invoerfouten, lees_formulier
from casushub.web.errors import error_response

__all__ = ["Limiet", "contactpunt_handlers"]

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
HONEYPOT = "website"
ONTVANGEN_KEY = "contactpunt_ontvangen"
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
SOORTEN = [("", "Kies wat u wilt vragen"), *((t.value, t.label) for t in VerzoekType)]
MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def datum_nl(iso: str) -> str:
    """``2027-03-01`` as ``1 maart 2027``: how people read a date."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MAANDEN[day.month - 1]} {day.year}"


class Limiet:
    """Sliding-window counter per key, in memory (per process; a restart forgets it)."""

    MAX_KEYS = 50_000

    def __init__(self, secret: str, aantal: int, venster: float) -> None:
        self._secret = secret.encode()
        self._aantal = aantal
        self._venster = venster
        self._pogingen: dict[str, deque[float]] = {}

    def _key(self, value: str) -> str:
        return hmac.new(self._secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()

    def vol(self, value: str, *, nu: float | None = None) -> bool:
        """True when ``value`` used up its attempts in the window (without counting one)."""
        moment = time.monotonic() if nu is None else nu
        pogingen = self._pogingen.get(self._key(value))
        if not pogingen:
            return False
        while pogingen and pogingen[0] <= moment - self._venster:
            pogingen.popleft()
        return len(pogingen) >= self._aantal

    def tel(self, value: str, *, nu: float | None = None) -> None:
        moment = time.monotonic() if nu is None else nu
        if len(self._pogingen) >= self.MAX_KEYS:
            self._opruimen(moment)
        self._pogingen.setdefault(self._key(value), deque()).append(moment)

    def _opruimen(self, moment: float) -> None:
        for key in [
            k for k, v in self._pogingen.items() if not v or v[-1] <= moment - self._venster
        ]:
            del self._pogingen[key]


@dataclass(frozen=True)
class Gemeente:
    ref: TenantRef
    naam: str
    code: str


def _limieten(state: State) -> tuple[Limiet, Limiet]:
    # One pair per app, made on first use (the app factory is shared code; this stays local).
    found = state.get("contactpunt_limieten")
    if found is None:
        settings: Settings = state.settings
        found = (
            Limiet(settings.secret_key, settings.contactpunt_limiet_client, UUR),
            Limiet(settings.secret_key, settings.contactpunt_limiet_email, DAG),
        )
        state.contactpunt_limieten = found
    return found


async def _gemeente(state: State, slug: str) -> Gemeente:
    """The municipality behind the slug; 404 for anything that is not one on this hub."""
    if not SLUG_PATTERN.match(slug):
        raise NotFoundException
    async with state.engine.connect() as conn:
        row = (
            await conn.execute(
                select(Tenant.id, Tenant.name, Tenant.gemeentecode, Tenant.status).where(
                    Tenant.slug == slug
                )
            )
        ).first()
        if row is None or row.status in {
            TenantStatus.PROVISIONING.value,
            TenantStatus.TERMINATING.value,
            TenantStatus.TERMINATED.value,
        }:
            raise NotFoundException
        # Suspended or being migrated: TenantUnavailable -> the Dutch 503 page.
        ref = await servable_tenant(conn, row.id)
    return Gemeente(ref, row.name, row.gemeentecode)


def _client(request: Request[Any, Any, Any]) -> str:
    # The proxy's X-Forwarded-For is applied by uvicorn (FORWARDED_ALLOW_IPS), not read here.
    return request.client.host if request.client else "onbekend"


def _formulier(
    gemeente: Gemeente,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "contactpunt/formulier.html",
        context={
            "gemeente": gemeente,
            "slug": gemeente.ref.slug,
            "waarden": waarden or {},
            "fouten": fouten or {},
            "soorten": SOORTEN,
            "honeypot": HONEYPOT,
        },
        status_code=status_code,
    )


@get("/contactpunt/{gemeente:str}", name="contactpunt", opt={"public": True})
async def contactpunt_pagina(gemeente: FromPath[str], state: State) -> Template:
    return _formulier(await _gemeente(state, gemeente))


@post("/contactpunt/{gemeente:str}", name="contactpunt-indienen", opt={"public": True})
async def contactpunt_indienen(
    gemeente: FromPath[str], data: FormData, request: Request[Any, Any, Any], state: State
) -> Response[Any]:
    gevonden = await _gemeente(state, gemeente)
    per_client, per_email = _limieten(state)
    client = _client(request)
    if per_client.vol(client):
        return _te_veel(request, TE_VEEL)
    per_client.tel(client)
    waarden = {k: v for k, v in data.items() if k != HONEYPOT and isinstance(v, str)}
    if data.get(HONEYPOT, "").strip():
        # Filled by a bot (people do not see the field): nothing is stored.
        return error_response(request, 400)
    try:
        aanvraag = lees_formulier(waarden, vandaag=services.vandaag())
    except Invoerfouten as fouten:
        return _formulier(gevonden, waarden=waarden, fouten=fouten.fouten, status_code=422)
    if aanvraag.indiener_email and per_email.vol(aanvraag.indiener_email):
        return _te_veel(request, TE_VEEL_EMAIL)
    actor = Actor(
        user_id=None, organisation_id=None, role="publiek", request_id=request_id_var.get()
    )
    async with tenant_session(state.engine, gevonden.ref, state.settings) as session:
        async with session.begin():
            stored = await services.registreer(session, actor, aanvraag, gemeentecode=gevonden.code)
        if aanvraag.indiener_email:
            per_email.tel(aanvraag.indiener_email)
    # Post/redirect/get: a reload shows the receipt again instead of sending twice. The
    # number travels in the server-side session, never in the URL (access logs).
    request.set_session(
        {
            **(request.session or {}),
            ONTVANGEN_KEY: {
                "slug": gevonden.ref.slug,
                "nummer": stored.ontvangstnummer,
                "type": stored.type,
                "ontvangen_op": stored.ontvangen_op.isoformat(),
                "termijn": stored.termijn.isoformat(),
                "email": bool(stored.indiener_email),
            },
        }
    )
    return Redirect(f"/contactpunt/{gevonden.ref.slug}/ontvangen", status_code=303)


def _te_veel(request: Request[Any, Any, Any], detail: str) -> Response[Any]:
    response = error_response(request, 429, detail)
    response.headers["Retry-After"] = str(int(UUR))
    return response


@get("/contactpunt/{gemeente:str}/ontvangen", name="contactpunt-ontvangen", opt={"public": True})
async def contactpunt_ontvangen(
    gemeente: FromPath[str], request: Request[Any, Any, Any], state: State
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
            "soort": VerzoekType(bewijs["type"]).label,
            "ontvangen_op": datum_nl(bewijs["ontvangen_op"]),
            "termijn": datum_nl(bewijs["termijn"]),
        },
    )


contactpunt_handlers = [contactpunt_pagina, contactpunt_indienen, contactpunt_ontvangen]
