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
    PermissionDeniedException,
)
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.contactpunt import routeer
from casushub.platform.registry import RegistryError
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.exports.rules import Formaat
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import bronnen, services
from casushub.tenants.verzoeken.inzage import inzage_document, render_pdf
from casushub.tenants.verzoeken.models import Besluit, Verzoek
from casushub.tenants.verzoeken.rules import (
    BEPERKING_GRONDEN,
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
    FormData,
    datum_nl,
    hub_gemeenten,
    niet_gevonden,
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
UITKOMSTEN = [
    ("", "Kies het besluit"),
    (Besluituitkomst.TOEGEWEZEN.value, "Toegewezen"),
    (Besluituitkomst.DEELS_TOEGEWEZEN.value, "Deels toegewezen"),
    (Besluituitkomst.AFGEWEZEN.value, "Afgewezen"),
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
        return await _registratie_formulier(state, tenant, waarden, fouten, 422)
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
    namen = await organisatienamen(
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
        raise niet_gevonden(exc) from exc
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
        raise niet_gevonden(exc) from exc
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
        raise niet_gevonden(exc) from exc
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
    except services.VerzoekNietGevonden as exc:
        raise niet_gevonden(exc) from exc
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
    except services.VerzoekGeenToegang as exc:
        raise PermissionDeniedException(detail=exc.message, extra={"dutch": True}) from exc
    except services.VerzoekNietGevonden as exc:
        raise niet_gevonden(exc) from exc
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
        raise niet_gevonden(exc) from exc
    return Redirect(RAADPLEGINGEN, status_code=303)


staf_handlers: list[Any] = [
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
