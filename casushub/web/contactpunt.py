"""The public contactpunt page of each municipality: no sign-in, a plain-Dutch form.

Anyone can ask the burgemeester (contactpunt, Besluit art. 2(2)) for inzage, correction,
erasure, restriction or to object. A submission goes straight into that municipality's queue
with day 0 = today and gives the submitter a receipt number. Abuse is kept out without third
parties: CSRF token (app-wide), a honeypot field, and a per-process limit per client address
and per e-mail address (keys are keyed hashes, so the limiter holds no addresses).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    ClientException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.contactpunt import routeer
from casushub.platform.identity.access import Identity
from casushub.platform.identity.models import Organisation
from casushub.platform.identity.roles import Role
from casushub.platform.logs import request_id_var
from casushub.platform.models import Tenant, TenantStatus
from casushub.platform.registry import RegistryError, servable_tenant
from casushub.platform.settings import Settings
from casushub.platform.tenancy import SLUG_PATTERN, TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.exports.rules import Formaat
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import bronnen, services
from casushub.tenants.verzoeken.inzage import inzage_document, render_pdf
from casushub.tenants.verzoeken.models import Besluit
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
    Besluituitkomst,
    Kanaal,
    VerzoekRegelFout,
    VerzoekType,
    ontvangstnummer,
    termijn,
)
from casushub.tenants.verzoeken.schemas import Invoerfouten, lees_formulier
from casushub.web.auth.guards import roles
from casushub.web.ratelimit import Limiet, client_key, limiet, te_veel
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["contactpunt_handlers", "datum_nl"]

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


@dataclass(frozen=True)
class Gemeente:
    ref: TenantRef
    naam: str
    code: str


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
    client = client_key(request)
    async with state.engine.begin() as conn:
        if await per_client.vol(conn, client):
            return te_veel(request, TE_VEEL, UUR)
        await per_client.tel(conn, client)
    waarden = {k: v for k, v in data.items() if k != HONEYPOT and isinstance(v, str)}
    vandaag = services.vandaag()
    try:
        aanvraag = lees_formulier(waarden, vandaag=vandaag)
    except Invoerfouten as fouten:
        return _formulier(gevonden, waarden=waarden, fouten=fouten.fouten, status_code=422)
    if aanvraag.indiener_email:
        async with state.engine.connect() as conn:
            if await per_email.vol(conn, aanvraag.indiener_email):
                return te_veel(request, TE_VEEL_EMAIL, UUR)
    if data.get(HONEYPOT, "").strip():
        # Filled by a bot (people do not see the field). Answered exactly like a success, so
        # it learns nothing to adapt to, with a receipt number that exists nowhere: nothing is
        # stored, logged or sent.
        return _ontvangen(
            request,
            gevonden,
            nummer=ontvangstnummer(gevonden.code, vandaag.year),
            soort=aanvraag.type.value,
            ontvangen_op=vandaag,
            uiterlijk=termijn(vandaag),
            email=bool(aanvraag.indiener_email),
        )
    actor = Actor(
        user_id=None, organisation_id=None, role="publiek", request_id=request_id_var.get()
    )
    async with (
        tenant_session(state.engine, gevonden.ref, state.settings) as session,
        session.begin(),
    ):
        stored = await services.registreer(session, actor, aanvraag, gemeentecode=gevonden.code)
    if aanvraag.indiener_email:
        async with state.engine.begin() as conn:
            await per_email.tel(conn, aanvraag.indiener_email)
    return _ontvangen(
        request,
        gevonden,
        nummer=stored.ontvangstnummer,
        soort=stored.type,
        ontvangen_op=stored.ontvangen_op,
        uiterlijk=stored.termijn,
        email=bool(stored.indiener_email),
    )


def _ontvangen(
    request: Request[Any, Any, Any],
    gevonden: Gemeente,
    *,
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
                "nummer": nummer,
                "type": soort,
                "ontvangen_op": ontvangen_op.isoformat(),
                "termijn": uiterlijk.isoformat(),
                "email": email,
            },
        }
    )
    return Redirect(f"/contactpunt/{gevonden.ref.slug}/ontvangen", status_code=303)


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


# Each handler declares who may use it (public page, or the contactpunt's staff).
contactpunt_handlers: list[Any] = [contactpunt_pagina, contactpunt_indienen, contactpunt_ontvangen]


# --- the contactpunt's own screens (staff of the municipality) ---------------------------------

STAF = (Role.CONTACTPUNT, Role.GEMEENTE_REGIE)


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The signed-in user in their active context, as the domain's ``Actor``."""
    identity = request.scope.get("user")
    if not isinstance(identity, Identity) or identity.active is None:
        raise NotAuthorizedException
    return Actor(
        user_id=identity.user_id,
        organisation_id=identity.active.organisation_id,
        role=identity.active.role.value,
        request_id=request_id_var.get(),
        organisation_type=identity.active.organisation_type,
    )


TAKEN = "/contactpunt-taken"
STAF_DEPS = {
    "tenant": Provide(provide_tenant),
    "db": Provide(provide_tenant_db),
    "actor": Provide(provide_actor),
}
KANALEN = [
    ("brief", "Brief"),
    ("email", "E-mail"),
    ("balie", "Balie"),
]
UITKOMSTEN = [
    ("", "Kies het besluit"),
    (Besluituitkomst.TOEGEWEZEN.value, "Toegewezen"),
    (Besluituitkomst.DEELS_TOEGEWEZEN.value, "Deels toegewezen"),
    (Besluituitkomst.AFGEWEZEN.value, "Afgewezen"),
]
STATUS_TEKST = {
    "ontvangen": "Ontvangen",
    "in_behandeling": "In behandeling",
    "besloten": "Besloten",
    "uitgevoerd": "Uitgevoerd",
    "overdracht": "Doorsturen naar andere gemeente",
    "overgedragen": "Doorgestuurd",
    "ingetrokken": "Ingetrokken",
}


async def _organisatienamen(state: State, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    async with state.engine.connect() as conn:
        rows = await conn.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        )
        return {row.id: row.name for row in rows}


def _niet_gevonden(exc: services.VerzoekNietGevonden) -> NotFoundException:
    return NotFoundException(detail=exc.message, extra={"dutch": True})


@get(TAKEN, name="contactpunt-taken", opt=roles(*STAF), dependencies=STAF_DEPS)
async def taken(db: NamedDependency[AsyncSession]) -> Template:
    """The queue, most urgent first. No names here: the list itself needs no access log."""
    async with db.begin():
        open_verzoeken = await services.open_verzoeken(db)
    vandaag = services.vandaag()
    rijen = [
        {
            "id": v.id,
            "nummer": v.ontvangstnummer,
            "soort": VerzoekType(v.type).value,
            "status": STATUS_TEKST.get(v.status, v.status),
            "ontvangen_op": datum_nl(v.ontvangen_op.isoformat()),
            "termijn": datum_nl(v.termijn.isoformat()),
            "dagen": (v.termijn - vandaag).days,
            "verlengd": v.verlengd_maanden,
        }
        for v in open_verzoeken
    ]
    return Template("contactpunt/taken.html", context={"rijen": rijen})


def _registratie_formulier(
    waarden: dict[str, str], fouten: dict[str, str], status_code: int = 200
) -> Template:
    return Template(
        "contactpunt/registreren.html",
        context={
            "waarden": waarden,
            "fouten": fouten,
            "soorten": SOORTEN,
            "kanalen": KANALEN,
        },
        status_code=status_code,
    )


@get(f"{TAKEN}/nieuw", name="contactpunt-registreren", opt=roles(*STAF), dependencies=STAF_DEPS)
async def registreren(tenant: NamedDependency[TenantRef]) -> Template:
    return _registratie_formulier({"kanaal": "brief"}, {})


@post(
    f"{TAKEN}/nieuw",
    name="contactpunt-registreren-opslaan",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def registreren_opslaan(
    data: FormData,
    tenant: NamedDependency[TenantRef],
    actor: NamedDependency[Actor],
    state: State,
) -> Template:
    """Staff register a request received by letter, e-mail or at the desk; it is routed to
    the contactpunt of the gemeente van verblijf (which may be another municipality)."""
    waarden = {k: str(v) for k, v in data.items() if isinstance(v, str)}
    fouten: dict[str, str] = {}
    try:
        kanaal = Kanaal(waarden.get("kanaal", ""))
    except ValueError:
        fouten["kanaal"] = "Kies hoe het verzoek binnenkwam."
        kanaal = Kanaal.BRIEF
    try:
        aanvraag = lees_formulier(waarden, kanaal=kanaal, vandaag=services.vandaag())
    except Invoerfouten as exc:
        fouten.update(exc.fouten)
        aanvraag = None
    code = waarden.get("gemeente_van_verblijf", "").strip()
    if not code:
        fouten["gemeente_van_verblijf"] = (
            "Vul de CBS-code in van de gemeente waar de persoon woont."
        )
    if fouten or aanvraag is None:
        return _registratie_formulier(waarden, fouten, 422)
    try:
        routing = await routeer(
            state.engine, state.settings, actor, aanvraag, van=tenant, gemeente_van_verblijf=code
        )
    except RegistryError as exc:
        return _registratie_formulier(
            waarden, {exc.field or "gemeente_van_verblijf": exc.message}, 422
        )
    return Template(
        "contactpunt/geregistreerd.html",
        context={"routing": routing, "uitkomst": routing.uitkomst.value},
    )


async def _detail_context(
    db: AsyncSession, actor: Actor, state: State, verzoek_id: uuid.UUID
) -> dict[str, Any]:
    found = await services.verzoek(db, verzoek_id)
    await record(
        db,
        actor,
        actie=Actie.READ,
        gegevensgroep=services.GEGEVENSGROEP,
        doel=services.DOEL,
        persoon_id=found.persoon_id,
        detail=f"verzoek={found.id}",
    )
    taken_ = await services.consultaties(db, found.id)
    besluit = await db.scalar(select(Besluit).where(Besluit.verzoek_id == found.id))
    onthouden = await services.onthoudingen(db, besluit.id) if besluit else []
    namen = await _organisatienamen(
        state,
        {t.organisatie_id for t in taken_} | {o.gevraagd_door_organisatie for o in onthouden},
    )
    return {
        "v": found,
        "soort": VerzoekType(found.type).label,
        "status": STATUS_TEKST.get(found.status, found.status),
        "ontvangen_op": datum_nl(found.ontvangen_op.isoformat()),
        "termijn": datum_nl(found.termijn.isoformat()),
        "consultaties": [
            {
                "organisatie": namen.get(t.organisatie_id, str(t.organisatie_id)[:8]),
                "termijn": datum_nl(t.termijn.isoformat()),
                "antwoord": t.antwoord,
            }
            for t in taken_
        ],
        "besluit": besluit,
        "onthouden": [
            {
                "grond": services.grond_tekst(o.grond),
                "door": namen.get(
                    o.gevraagd_door_organisatie, str(o.gevraagd_door_organisatie)[:8]
                ),
                "op": datum_nl(o.gevraagd_op.date().isoformat()),
            }
            for o in onthouden
        ],
        "uitkomsten": UITKOMSTEN,
        "open": found.status in {"ontvangen", "in_behandeling"},
        "inzage": found.type == "inzage"
        and besluit is not None
        and besluit.uitkomst != Besluituitkomst.AFGEWEZEN,
    }


async def _detail(
    db: AsyncSession,
    actor: Actor,
    state: State,
    verzoek_id: uuid.UUID,
    *,
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    try:
        async with db.begin():
            context = await _detail_context(db, actor, state, verzoek_id)
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    context.update(fouten=fouten or {}, waarden=waarden or {})
    return Template("contactpunt/verzoek.html", context=context, status_code=status_code)


@get(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}",
    name="contactpunt-verzoek",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def verzoek_pagina(
    verzoek_id: FromPath[uuid.UUID],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template:
    return await _detail(db, actor, state, verzoek_id)


@post(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}/besluit",
    name="contactpunt-besluit",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def besluit_nemen(
    verzoek_id: FromPath[uuid.UUID],
    data: FormData,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template | Redirect:
    waarden = {k: str(v) for k, v in data.items() if isinstance(v, str)}
    try:
        uitkomst = Besluituitkomst(waarden.get("uitkomst", ""))
    except ValueError:
        return await _detail(
            db,
            actor,
            state,
            verzoek_id,
            fouten={"uitkomst": "Kies het besluit."},
            waarden=waarden,
            status_code=422,
        )
    try:
        async with db.begin():
            await services.neem_besluit(
                db, actor, verzoek_id, uitkomst=uitkomst, motivering=waarden.get("motivering", "")
            )
    except VerzoekRegelFout as exc:
        return await _detail(
            db,
            actor,
            state,
            verzoek_id,
            fouten={exc.field or "motivering": exc.message},
            waarden=waarden,
            status_code=422,
        )
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)


@post(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}/verlengen",
    name="contactpunt-verlengen",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def verlengen(
    verzoek_id: FromPath[uuid.UUID],
    data: FormData,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template | Redirect:
    waarden = {k: str(v) for k, v in data.items() if isinstance(v, str)}
    maanden = waarden.get("maanden", "")
    if maanden not in {"1", "2"}:
        return await _detail(
            db,
            actor,
            state,
            verzoek_id,
            fouten={"maanden": "Kies één of twee maanden."},
            waarden=waarden,
            status_code=422,
        )
    try:
        async with db.begin():
            await services.verleng(
                db, actor, verzoek_id, maanden=int(maanden), reden=waarden.get("reden", "")
            )
    except VerzoekRegelFout as exc:
        return await _detail(
            db,
            actor,
            state,
            verzoek_id,
            fouten={exc.field or "reden": exc.message},
            waarden=waarden,
            status_code=422,
        )
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)


@get(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}/inzage/{{formaat:str}}",
    name="contactpunt-inzage",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def inzage_download(
    verzoek_id: FromPath[uuid.UUID],
    formaat: FromPath[str],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Response[Any]:
    """The person's inzage as JSON or PDF; passes the export guard and is logged."""
    if formaat not in {"json", "pdf"}:
        raise NotFoundException
    try:
        async with db.begin():
            found = await services.verzoek(db, verzoek_id)
            namen = await _organisatienamen(
                state,
                await bronnen.bron_organisaties(db, found.persoon_id)
                if found.persoon_id
                else set(),
            )
            inzage = await inzage_document(
                db,
                actor,
                verzoek_id,
                formaat=Formaat.PDF if formaat == "pdf" else Formaat.JSON,
                organisatienamen=namen,
            )
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    except VerzoekRegelFout as exc:
        raise ClientException(detail=exc.message, extra={"dutch": True}) from exc
    bestand = f"inzage-{found.ontvangstnummer}.{formaat}"
    headers = {
        "Content-Disposition": f'attachment; filename="{bestand}"',
        "Cache-Control": "no-store",
    }
    if formaat == "pdf":
        pdf = await asyncio.to_thread(render_pdf, inzage.document)
        return Response(pdf, media_type="application/pdf", headers=headers)
    return Response(
        json.dumps(inzage.document, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers=headers,
    )


DEELNEMERS = (Role.PARTICIPANT, Role.GEMEENTE_REGIE)
RAADPLEGINGEN = f"{TAKEN}/raadplegingen"


async def _raadplegingen(
    db: AsyncSession,
    actor: Actor,
    *,
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """A participant's open consultations, each with its own items about the person."""
    if actor.organisation_id is None:
        raise NotAuthorizedException
    taken_: list[dict[str, Any]] = []
    async with db.begin():
        for taak, found in await services.open_consultaties(db, actor.organisation_id):
            items = (
                await bronnen.eigen_items(db, found.persoon_id, actor.organisation_id)
                if found.persoon_id
                else []
            )
            # The participant sees whom the request is about to answer it: a logged read.
            await record(
                db,
                actor,
                actie=Actie.READ,
                gegevensgroep=services.GEGEVENSGROEP,
                doel=services.DOEL,
                persoon_id=found.persoon_id,
                detail=f"consultatie={taak.id}",
            )
            taken_.append(
                {
                    "id": taak.id,
                    "soort": VerzoekType(found.type).label,
                    "betrokkene": found.betrokkene_naam,
                    "termijn": datum_nl(taak.termijn.isoformat()),
                    "items": items,
                }
            )
    return Template(
        "contactpunt/raadplegingen.html",
        context={
            "taken": taken_,
            "gronden": [("", "Kies een grond"), *BEPERKING_GRONDEN.items()],
            "fouten": fouten or {},
            "waarden": waarden or {},
        },
        status_code=status_code,
    )


@get(
    RAADPLEGINGEN, name="contactpunt-raadplegingen", opt=roles(*DEELNEMERS), dependencies=STAF_DEPS
)
async def raadplegingen(
    db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template:
    return await _raadplegingen(db, actor)


@post(
    f"{RAADPLEGINGEN}/{{consultatie_id:uuid}}",
    name="contactpunt-raadpleging-antwoord",
    opt=roles(*DEELNEMERS),
    dependencies=STAF_DEPS,
)
async def raadpleging_beantwoorden(
    consultatie_id: FromPath[uuid.UUID],
    data: FormData,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    antwoord = str(data.get("antwoord", ""))
    veld = f"antwoord-{consultatie_id}"
    try:
        async with db.begin():
            await services.beantwoord_consultatie(db, actor, consultatie_id, antwoord)
    except VerzoekRegelFout as exc:
        return await _raadplegingen(
            db, actor, fouten={veld: exc.message}, waarden={veld: antwoord}, status_code=422
        )
    except services.VerzoekGeenToegang as exc:
        raise PermissionDeniedException(detail=exc.message, extra={"dutch": True}) from exc
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    return Redirect(RAADPLEGINGEN, status_code=303)


@post(
    f"{RAADPLEGINGEN}/beperken",
    name="contactpunt-inzage-beperken",
    opt=roles(*DEELNEMERS),
    dependencies=STAF_DEPS,
)
async def inzage_beperken(
    data: FormData, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template | Redirect:
    """The source withholds one of its items from inzage, on a legal ground, until review."""
    waarden = {k: str(v) for k, v in data.items() if isinstance(v, str)}
    try:
        soort, _, raw_id = waarden.get("item", "").partition(":")
        item_id = uuid.UUID(raw_id)
    except ValueError:
        return await _raadplegingen(
            db, actor, fouten={"item": "Kies het gegeven."}, waarden=waarden, status_code=422
        )
    try:
        herzien_op = date.fromisoformat(waarden.get("herzien_op", "").strip())
    except ValueError:
        return await _raadplegingen(
            db,
            actor,
            fouten={"herzien_op": "Vul de datum van herbeoordeling in als jjjj-mm-dd."},
            waarden=waarden,
            status_code=422,
        )
    try:
        async with db.begin():
            await services.beperk_inzage(
                db,
                actor,
                item_soort=soort,
                item_id=item_id,
                grond=waarden.get("grond", ""),
                herzien_op=herzien_op,
                toelichting=waarden.get("toelichting", ""),
            )
    except VerzoekRegelFout as exc:
        return await _raadplegingen(
            db, actor, fouten={exc.field or "grond": exc.message}, waarden=waarden, status_code=422
        )
    except services.VerzoekGeenToegang as exc:
        raise PermissionDeniedException(detail=exc.message, extra={"dutch": True}) from exc
    except services.VerzoekNietGevonden as exc:
        raise _niet_gevonden(exc) from exc
    return Redirect(RAADPLEGINGEN, status_code=303)


contactpunt_handlers += [
    taken,
    registreren,
    registreren_opslaan,
    verzoek_pagina,
    besluit_nemen,
    verlengen,
    inzage_download,
    raadplegingen,
    raadpleging_beantwoorden,
    inzage_beperken,
]
