"""The contactpunt's own screens (staff of the municipality): the queue, registering a request
received by letter, e-mail or at the desk, and the request page.

The queue and the request page show names: each is a logged read of personal data.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import (
    ClientException,
    NotAuthorizedException,
    NotFoundException,
)
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.contactpunt import routeer
from casushub.platform import klok
from casushub.platform.models import Tenant
from casushub.platform.registry import RegistryError
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.exports.rules import Formaat
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import afhandeling, bronnen, rectificatie, services, uitvoering
from casushub.tenants.verzoeken.inzage import inzage_document, render_pdf
from casushub.tenants.verzoeken.models import Besluit, Verzoek
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
    CONSULTATIE_DAGEN,
    MAX_VERLENGING_MAANDEN,
    Besluituitkomst,
    Kanaal,
    VerzoekRegelFout,
    VerzoekType,
)
from casushub.tenants.verzoeken.schemas import Invoerfouten, lees_formulier
from casushub.tenants.verzoeken.wachtrij import SORTEERBAAR, Statusfilter, wachtrij
from casushub.web.auth.guards import roles
from casushub.web.contactpunt.common import (
    DEELNEMERS,
    KORTE_SOORT,
    SOORTEN,
    STAF,
    STAF_DEPS,
    STATUS_TEKST,
    TAKEN,
    UITKOMST_TEKST,
    FormData,
    bevestig,
    datum_nl,
    hub_gemeenten,
    lees_datum,
    neem_melding,
    organisatienamen,
    waarden_van,
)

__all__ = ["staf_handlers"]

KANALEN = [
    ("", "Kies hoe het binnenkwam"),
    ("brief", "Brief"),
    ("email", "E-mail"),
    ("balie", "Balie"),
]


STATUSFILTERS = [
    (Statusfilter.OPEN.value, "Lopend"),
    (Statusfilter.BESLOTEN.value, "Besloten, nog uit te voeren"),
    (Statusfilter.AFGEHANDELD.value, "Afgehandeld"),
    (Statusfilter.ALLE.value, "Alle"),
]
SOORTFILTERS = [("", "Alle soorten"), *KORTE_SOORT.items()]
KOLOMMEN = [
    {"key": "naam", "label": "Indiener", "sortable": True},
    {"key": "soort", "label": "Soort", "sortable": True},
    {"key": "ontvangen", "label": "Ontvangen", "sortable": True},
    {"key": "termijn", "label": "Uiterlijk beslissen", "sortable": True},
    {"key": "status", "label": "Status", "sortable": True},
    {"key": "nummer", "label": "Ontvangstnummer", "sortable": False},
]


def _termijn_tekst(v: Verzoek, vandaag: date) -> str:
    tekst = datum_nl(v.termijn)
    if v.status in {"ontvangen", "in_behandeling", "overdracht"}:
        dagen = (v.termijn - vandaag).days
        if dagen < 0:
            tekst += f" – {-dagen} dag{'en' if dagen != -1 else ''} te laat"
        elif dagen <= 7:
            tekst += f" – nog {dagen} dag{'en' if dagen != 1 else ''}"
    if v.verlengd_maanden:
        tekst += f" (verlengd met {v.verlengd_maanden} mnd)"
    return tekst


@get(TAKEN, name="contactpunt-taken", opt=roles(*STAF), dependencies=STAF_DEPS)
async def taken(
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template:
    """The queue: overdue first, then sorted, filtered and searched as asked; names shown."""
    query = request.query_params
    zoek = str(query.get("zoek", ""))[:100]
    soort_raw = str(query.get("soort", ""))
    soort = VerzoekType(soort_raw) if soort_raw in KORTE_SOORT else None
    status_raw = str(query.get("status", ""))
    status = Statusfilter(status_raw) if status_raw in set(Statusfilter) else Statusfilter.OPEN
    sorteer = str(query.get("sorteer", ""))
    sorteer = sorteer if sorteer in SORTEERBAAR else "termijn"
    aflopend = query.get("richting") == "aflopend"
    vandaag = services.vandaag()
    async with db.begin():
        lijst = await wachtrij(
            db,
            actor,
            vandaag=vandaag,
            sleutel=state.settings.secret_key,
            zoek=zoek,
            soort=soort,
            status=status,
            sorteer=sorteer,
            aflopend=aflopend,
        )
    rijen = [
        {
            "naam": {"text": v.indiener_naam, "href": f"{TAKEN}/verzoek/{v.id}"},
            "soort": KORTE_SOORT.get(v.type, v.type),
            "ontvangen": datum_nl(v.ontvangen_op),
            "termijn": _termijn_tekst(v, vandaag),
            "status": STATUS_TEKST.get(v.status, v.status),
            "nummer": v.ontvangstnummer,
        }
        for v in lijst.verzoeken
    ]
    filters = {"zoek": zoek, "soort": soort.value if soort else "", "status": status.value}
    return Template(
        "contactpunt/taken.html",
        context={
            "rijen": rijen,
            "kolommen": KOLOMMEN,
            "sorteer": sorteer,
            "richting": "aflopend" if aflopend else "oplopend",
            "url": f"{TAKEN}?{urlencode({k: v for k, v in filters.items() if v})}",
            "filters": filters,
            "statusfilters": STATUSFILTERS,
            "soortfilters": SOORTFILTERS,
            "te_laat": lijst.te_laat,
            "afgekapt": lijst.afgekapt,
            "gefilterd": bool(zoek or soort or status is not Statusfilter.OPEN),
        },
    )


ANDERE_GEMEENTE = "elders"
REGISTRATIE_VOLGORDE = (
    "type",
    "kanaal",
    "gemeente_van_verblijf",
    "andere_gemeentecode",
    "naam",
    "geboortedatum",
    "email",
    "telefoon",
    "adres",
    "bericht",
)
BEWIJS_SOORT = {"casus": "Casus", "signaal": "Signaal", "persoon": "Persoonsgegevens"}


async def _registratie_formulier(
    state: State,
    tenant: TenantRef,
    waarden: dict[str, str],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    gemeenten = await hub_gemeenten(state, tenant_id=tenant.id)
    return Template(
        "contactpunt/registreren.html",
        context={
            "waarden": waarden,
            "fouten": fouten,
            "soorten": SOORTEN,
            "kanalen": KANALEN,
            "gemeenten": [
                ("", "Kies de gemeente"),
                *gemeenten,
                (ANDERE_GEMEENTE, "Een gemeente die niet op dit platform werkt"),
            ],
        },
        status_code=status_code,
    )


@get(f"{TAKEN}/nieuw", name="contactpunt-registreren", opt=roles(*STAF), dependencies=STAF_DEPS)
async def registreren(tenant: NamedDependency[TenantRef], state: State) -> Template:
    return await _registratie_formulier(state, tenant, {}, {})


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
    waarden = waarden_van(data)
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
    if code == ANDERE_GEMEENTE:
        code = waarden.get("andere_gemeentecode", "").strip()
        if not code:
            fouten["andere_gemeentecode"] = (
                "Vul de CBS-code in van de gemeente waar de betrokkene woont (vier cijfers)."
            )
    elif code not in dict(await hub_gemeenten(state, tenant_id=tenant.id)):
        fouten["gemeente_van_verblijf"] = "Kies de gemeente waar de betrokkene woont."
    if fouten or aanvraag is None:
        # The error summary in the order of the form.
        geordend = {v: fouten[v] for v in REGISTRATIE_VOLGORDE if v in fouten}
        geordend.update(fouten)
        return await _registratie_formulier(state, tenant, waarden, geordend, 422)
    try:
        routing = await routeer(
            state.engine, state.settings, actor, aanvraag, van=tenant, gemeente_van_verblijf=code
        )
    except RegistryError as exc:
        veld = "andere_gemeentecode" if exc.field == "gemeentecode" else exc.field
        return await _registratie_formulier(
            state, tenant, waarden, {veld or "gemeente_van_verblijf": exc.message}, 422
        )
    namen = dict(await hub_gemeenten(state, tenant_id=tenant.id))
    return Template(
        "contactpunt/geregistreerd.html",
        context={
            "routing": routing,
            "uitkomst": routing.uitkomst.value,
            "naar": namen.get(routing.gemeentecode, f"GM{routing.gemeentecode}"),
        },
    )


async def _gemeentenaam(state: State, slug: str | None) -> str | None:
    if slug is None:
        return None
    if slug == "hub":
        return "de hub"
    async with state.engine.connect() as conn:
        naam = await conn.scalar(select(Tenant.name).where(Tenant.slug == slug))
    return naam or slug


async def _detail_context(
    db: AsyncSession,
    actor: Actor,
    state: State,
    verzoek_id: uuid.UUID,
    zoek: dict[str, str],
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
    persoon = await db.get(Persoon, found.persoon_id) if found.persoon_id else None
    beperkingen = (
        await services.actieve_beperkingen(db, found.persoon_id) if found.persoon_id else []
    )
    namen = await organisatienamen(
        state,
        {t.organisatie_id for t in taken_}
        | {o.gevraagd_door_organisatie for o in onthouden}
        | {b.gevraagd_door_organisatie for b in beperkingen},
    )
    open_ = found.status in {"ontvangen", "in_behandeling"}
    vandaag = services.vandaag()
    # The person search on this page (GET, so the officer can refine it and go back).
    treffers: list[dict[str, Any]] | None = None
    zoekfouten: dict[str, str] = {}
    if open_ and persoon is None and (zoek.get("zoek_naam") or zoek.get("zoek_geboortedatum")):
        geboren = None
        if zoek.get("zoek_geboortedatum"):
            geboren = lees_datum(zoek["zoek_geboortedatum"])
            if geboren is None:
                zoekfouten["zoek_geboortedatum"] = (
                    "Vul de geboortedatum in als dag-maand-jaar, bijvoorbeeld 17-03-1990."
                )
        if not zoekfouten:
            personen = await services.zoek_betrokkene(
                db,
                actor,
                sleutel=state.settings.secret_key,
                naam=zoek.get("zoek_naam"),
                geboortedatum=geboren,
            )
            treffers = [
                {
                    "id": p.id,
                    "naam": p.naam,
                    "geboren": datum_nl(p.geboortedatum) if p.geboortedatum else "onbekend",
                }
                for p in personen
            ]
    beantwoord = [t for t in taken_ if t.antwoord]
    bewijzen = (
        await uitvoering.bewijzen(db, besluit.vernietiging_batch_id)
        if besluit and besluit.vernietiging_batch_id
        else []
    )
    blokkade = await afhandeling.open_blokkade(db, besluit) if besluit else None
    correcties = await rectificatie.meldingen_van(db, found.id)
    ontvangers = await organisatienamen(
        state, {m.organisatie_id for _, ms in correcties for m in ms if m.organisatie_id}
    )
    return {
        "v": found,
        "soort": VerzoekType(found.type).label,
        "korte_soort": KORTE_SOORT.get(found.type, found.type),
        "status": STATUS_TEKST.get(found.status, found.status),
        "ontvangen_op": datum_nl(found.ontvangen_op),
        "termijn": datum_nl(found.termijn),
        "te_laat": open_ and found.termijn < vandaag,
        "ontvangen_bij": await _gemeentenaam(state, found.ontvangen_bij),
        "persoon": persoon,
        "persoon_geboren": datum_nl(persoon.geboortedatum)
        if persoon and persoon.geboortedatum
        else None,
        "onbekend_op": datum_nl(found.persoon_onbekend_op.date())
        if found.persoon_onbekend_op
        else None,
        "treffers": treffers,
        "zoekfouten": zoekfouten,
        "zoek": zoek,
        "consultatie_dagen": CONSULTATIE_DAGEN,
        "consultaties": [
            {
                "organisatie": namen.get(t.organisatie_id, "Onbekende organisatie"),
                "termijn": datum_nl(t.termijn),
                "te_laat": t.antwoord is None and t.termijn < vandaag,
                "antwoord": t.antwoord,
                "beantwoord_op": datum_nl(t.beantwoord_op.date()) if t.beantwoord_op else None,
            }
            for t in taken_
        ],
        "aantal_beantwoord": len(beantwoord),
        "beperkingen": [
            {
                "grond": services.grond_tekst(b.grond),
                "door": namen.get(b.gevraagd_door_organisatie, "Onbekende organisatie"),
                "herzien_op": datum_nl(b.herzien_op),
            }
            for b in beperkingen
        ],
        "besluit": besluit,
        "uitkomst_tekst": UITKOMST_TEKST.get(besluit.uitkomst, besluit.uitkomst)
        if besluit
        else None,
        "onthouden": [
            {
                "grond": services.grond_tekst(o.grond),
                "door": namen.get(o.gevraagd_door_organisatie, "Onbekende organisatie"),
                "op": datum_nl(o.gevraagd_op.date()),
            }
            for o in onthouden
        ],
        "open": open_,
        "bewijzen": [
            {
                "soort": BEWIJS_SOORT.get(b.soort, b.soort),
                "op": b.vernietigd_op.astimezone(klok.TIJDZONE).strftime("%d-%m-%Y %H:%M"),
                "regel": b.regel,
            }
            for b in bewijzen
        ],
        "batch": besluit.vernietiging_batch_id if besluit else None,
        "blokkade": {
            "sinds": datum_nl(blokkade.ingesteld_op.date()),
            "opgeheven": datum_nl(blokkade.opgeheven_op.date()) if blokkade.opgeheven_op else None,
            "reden_opheffing": blokkade.reden_opheffing,
        }
        if blokkade
        else None,
        "correcties": [
            {
                "wat": rectificatie.OMSCHRIJVING.get((c.item_soort, c.veld), c.veld),
                "oud": c.oude_waarde or "(leeg)",
                "nieuw": c.nieuwe_waarde or "(leeg)",
                "op": datum_nl(c.gecorrigeerd_op.date()),
                "ontvangers": sorted(
                    {
                        ontvangers.get(m.organisatie_id, "Onbekende organisatie")
                        for m in ms
                        if m.organisatie_id
                    }
                ),
                "gemeld": sum(1 for m in ms if m.status in {"gemeld", "gelezen"}),
                "aantal": len(ms),
            }
            for c, ms in correcties
        ],
        "kan_verlengen": open_
        and found.verlengd_maanden < MAX_VERLENGING_MAANDEN
        and found.termijn >= vandaag,
        "inzage": found.type == "inzage"
        and besluit is not None
        and besluit.uitkomst != Besluituitkomst.AFGEWEZEN
        and found.persoon_id is not None,
    }


async def detail_pagina(
    db: AsyncSession,
    actor: Actor,
    state: State,
    verzoek_id: uuid.UUID,
    *,
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    zoek: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    try:
        async with db.begin():
            context = await _detail_context(db, actor, state, verzoek_id, zoek or {})
    except VerzoekRegelFout as exc:
        context = {}
        fouten = {**(fouten or {}), exc.field or "zoek_naam": exc.message}
        async with db.begin():
            context = await _detail_context(db, actor, state, verzoek_id, {})
        context["zoek"] = zoek or {}
        status_code = 422
    alle_fouten = {**context.pop("zoekfouten"), **(fouten or {})}
    if alle_fouten and status_code == 200:
        status_code = 422
    context.update(fouten=alle_fouten, waarden=waarden or {}, melding=melding)
    return Template("contactpunt/verzoek.html", context=context, status_code=status_code)


@get(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}",
    name="contactpunt-verzoek",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def verzoek_pagina(
    verzoek_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template:
    zoek = {
        k: str(request.query_params.get(k, ""))[:200]
        for k in ("zoek_naam", "zoek_geboortedatum")
        if request.query_params.get(k)
    }
    return await detail_pagina(
        db, actor, state, verzoek_id, zoek=zoek, melding=neem_melding(request)
    )


@post(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}/koppelen",
    name="contactpunt-koppelen",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def koppelen(
    verzoek_id: FromPath[uuid.UUID],
    data: FormData,
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template | Redirect:
    """Link the person found; every participant that supplied data on them is consulted."""
    waarden = waarden_van(data)
    zoek = {k: waarden[k] for k in ("zoek_naam", "zoek_geboortedatum") if waarden.get(k)}
    fouten: dict[str, str] = {}
    try:
        persoon_id = uuid.UUID(waarden.get("persoon_id", ""))
    except ValueError:
        fouten["persoon_id"] = "Kies de persoon om wie het verzoek gaat."
    dagen_raw = waarden.get("dagen", "").strip()
    dagen = int(dagen_raw) if dagen_raw.isdigit() and len(dagen_raw) <= 3 else 0
    if fouten:
        return await detail_pagina(
            db, actor, state, verzoek_id, fouten=fouten, waarden=waarden, zoek=zoek, status_code=422
        )
    try:
        async with db.begin():
            await services.koppel_persoon(db, actor, verzoek_id, persoon_id, dagen=dagen)
    except VerzoekRegelFout as exc:
        return await detail_pagina(
            db,
            actor,
            state,
            verzoek_id,
            fouten={exc.field or "persoon_id": exc.message},
            waarden=waarden,
            zoek=zoek,
            status_code=422,
        )
    bevestig(
        request,
        "De persoon is gekoppeld. De deelnemers die gegevens leverden, "
        "zijn om een reactie gevraagd.",
    )
    return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)


@post(
    f"{TAKEN}/verzoek/{{verzoek_id:uuid}}/onbekend",
    name="contactpunt-onbekend",
    opt=roles(*STAF),
    dependencies=STAF_DEPS,
)
async def onbekend(
    verzoek_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
    state: State,
) -> Template | Redirect:
    try:
        async with db.begin():
            await services.persoon_onbekend(db, actor, verzoek_id)
    except VerzoekRegelFout as exc:
        return await detail_pagina(
            db, actor, state, verzoek_id, fouten={"persoon_id": exc.message}, status_code=422
        )
    bevestig(
        request,
        "Vastgelegd dat de persoon niet bekend is. Het besluit zegt dat er geen "
        "gegevens over de betrokkene worden verwerkt.",
    )
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
        return await detail_pagina(
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
        return await detail_pagina(
            db,
            actor,
            state,
            verzoek_id,
            fouten={exc.field or "reden": exc.message},
            waarden=waarden,
            status_code=422,
        )
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
            namen = await organisatienamen(
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
    waarden = waarden_van(data)
    # Errors name the fields of the consultation the form belongs to (ids carry its id).
    try:
        taak = str(uuid.UUID(waarden.get("taak", "")))
    except ValueError:
        taak = ""
    waarden["taak"] = taak
    fouten: dict[str, str] = {}
    soort, _, raw_id = waarden.get("item", "").partition(":")
    try:
        item_id = uuid.UUID(raw_id)
    except ValueError:
        fouten[f"item-{taak}"] = "Kies het gegeven."
    if waarden.get("grond", "") not in BEPERKING_GRONDEN:
        fouten[f"grond-{taak}"] = "Kies een wettelijke grond om inzage te beperken."
    herzien_op = lees_datum(waarden.get("herzien_op", ""))
    if herzien_op is None:
        fouten[f"herzien-{taak}"] = "Vul de datum van herbeoordeling in, bijvoorbeeld 17-03-2027."
    if fouten or herzien_op is None:
        return await _raadplegingen(db, actor, fouten=fouten, waarden=waarden, status_code=422)
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
        veld = "item" if exc.field == "item" else "herzien"
        return await _raadplegingen(
            db, actor, fouten={f"{veld}-{taak}": exc.message}, waarden=waarden, status_code=422
        )
    return Redirect(RAADPLEGINGEN, status_code=303)


staf_handlers: list[Any] = [
    taken,
    registreren,
    registreren_opslaan,
    verzoek_pagina,
    koppelen,
    onbekend,
    verlengen,
    inzage_download,
    raadplegingen,
    raadpleging_beantwoorden,
    inzage_beperken,
]
