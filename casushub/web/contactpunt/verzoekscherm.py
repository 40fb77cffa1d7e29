"""The contactpunt's request page (staff of the municipality) and what is done on it: link
the person or record that they are unknown, extend the term, download the inzage.

The request page shows names: each view is a logged read of personal data.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.fouten import RegelFouten
from casushub.platform.hub.gemeenten import gemeentenaam
from casushub.tenants.actor import Actor
from casushub.tenants.exports.rules import Formaat
from casushub.tenants.verzoeken import (
    afhandeling,
    bronnen,
    consultaties,
    rectificatie,
    services,
    uitvoering,
    verzoek,
)
from casushub.tenants.verzoeken.beperkingen import actieve_beperkingen, grond_tekst
from casushub.tenants.verzoeken.besluit import besluit_van, onthoudingen
from casushub.tenants.verzoeken.inzage import inzage_document, render_pdf
from casushub.tenants.verzoeken.rules import (
    CONSULTATIE_DAGEN,
    MAX_VERLENGING_MAANDEN,
    Besluituitkomst,
    VerzoekRegelFout,
    VerzoekType,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.contactpunt.common import (
    KORTE_SOORT,
    STAF,
    STAF_DEPS,
    STATUS_TEKST,
    TAKEN,
    UITKOMST_TEKST,
    bevestig,
    datum_nl,
    lees_datum,
    neem_melding,
    organisatienamen,
    waarden_van,
)
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw

__all__ = ["detail_pagina", "verzoek_handlers"]


@dataclass
class Koppeling(Formulier):
    persoon_id: str = ""
    dagen: str = ""
    zoek_naam: str = ""
    zoek_geboortedatum: str = ""


@dataclass
class Verlenging(Formulier):
    maanden: str = ""
    reden: str = ""


BEWIJS_SOORT = {"casus": "Casus", "signaal": "Signaal", "persoon": "Persoonsgegevens"}


async def _gemeentenaam(state: State, slug: str | None) -> str | None:
    if slug is None:
        return None
    if slug == "hub":
        return "de hub"
    async with state.engine.connect() as conn:
        naam = await gemeentenaam(conn, slug)
    return naam or slug


async def _detail_context(
    db: AsyncSession,
    actor: Actor,
    state: State,
    verzoek_id: uuid.UUID,
    zoek: dict[str, str],
) -> dict[str, Any]:
    """The request page's context: the tenant's reads (a logged read) in a transaction of
    their own, the platform's names after it (one pooled connection at a time,
    casushub.platform.een_verbinding)."""
    vandaag = klok.vandaag()
    # The person search on this page (GET, so the officer can refine it and go back).
    treffers: list[dict[str, Any]] | None = None
    zoekfouten: dict[str, str] = {}
    async with db.begin():
        found = await verzoek.gelezen(db, actor, verzoek_id)
        taken_ = await consultaties.consultaties(db, found.id)
        besluit = await besluit_van(db, found.id)
        onthouden = await onthoudingen(db, besluit.id) if besluit else []
        persoon = await verzoek.betrokkene(db, found)
        beperkingen = await actieve_beperkingen(db, found.persoon_id) if found.persoon_id else []
        open_ = found.status in {"ontvangen", "in_behandeling"}
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
        bewijzen = (
            await uitvoering.bewijzen(db, besluit.vernietiging_batch_id)
            if besluit and besluit.vernietiging_batch_id
            else []
        )
        blokkade = await afhandeling.open_blokkade(db, besluit) if besluit else None
        correcties = await rectificatie.meldingen_van(db, found.id)
    beantwoord = [t for t in taken_ if t.antwoord]
    namen = await organisatienamen(
        state,
        {t.organisatie_id for t in taken_}
        | {o.gevraagd_door_organisatie for o in onthouden}
        | {b.gevraagd_door_organisatie for b in beperkingen},
    )
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
                "grond": grond_tekst(b.grond),
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
                "grond": grond_tekst(o.grond),
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
        context = await _detail_context(db, actor, state, verzoek_id, zoek or {})
    except VerzoekRegelFout as exc:
        fouten = {**(fouten or {}), exc.field or "zoek_naam": exc.message}
        context = await _detail_context(db, actor, state, verzoek_id, {})
        context["zoek"] = zoek or {}
        status_code = 422
    alle_fouten = {**context.pop("zoekfouten"), **(fouten or {})}
    if alle_fouten and status_code == 200:
        status_code = 422
    context.update(fouten=alle_fouten, waarden=waarden or {}, melding=melding)
    return Template("contactpunt/verzoek.html", context=context, status_code=status_code)


class VerzoekController(Controller):
    """The request page and what is done on it."""

    path = "/contactpunt-taken/verzoek/{verzoek_id:uuid}"
    opt = roles(*STAF)
    dependencies = STAF_DEPS

    @get("", name="contactpunt-verzoek")
    async def verzoek_pagina(
        self,
        verzoek_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        zoek = {
            k: str(request.query_params.get(k, ""))[:200]
            for k in ("zoek_naam", "zoek_geboortedatum")
            if request.query_params.get(k)
        }
        return await detail_pagina(
            db, actor, state, verzoek_id, zoek=zoek, melding=neem_melding(request)
        )

    @post("/koppelen", name="contactpunt-koppelen")
    async def koppelen(
        self,
        verzoek_id: FromPath[uuid.UUID],
        data: Annotated[Koppeling, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Link the person found; every participant that supplied data on them is consulted."""
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        waarden = waarden_van(data)
        zoek = {k: waarden[k] for k in ("zoek_naam", "zoek_geboortedatum") if waarden.get(k)}

        async def actie() -> Redirect:
            try:
                persoon_id = uuid.UUID(waarden["persoon_id"])
            except ValueError:
                raise RegelFouten(
                    {"persoon_id": "Kies de persoon om wie het verzoek gaat."}
                ) from None
            dagen_raw = waarden["dagen"].strip()
            dagen = int(dagen_raw) if dagen_raw.isdigit() and len(dagen_raw) <= 3 else 0
            async with db.begin():
                await services.koppel_persoon(db, actor, verzoek_id, persoon_id, dagen=dagen)
            bevestig(
                request,
                "De persoon is gekoppeld. De deelnemers die gegevens leverden, "
                "zijn om een reactie gevraagd.",
            )
            return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)

        return await of_opnieuw(
            actie,
            lambda fouten: detail_pagina(
                db, actor, state, verzoek_id, fouten=fouten, waarden=waarden, zoek=zoek
            ),
            standaardveld="persoon_id",
        )

    @post("/onbekend", name="contactpunt-onbekend")
    async def onbekend(
        self,
        verzoek_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
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

    @post("/verlengen", name="contactpunt-verlengen")
    async def verlengen(
        self,
        verzoek_id: FromPath[uuid.UUID],
        data: Annotated[Verlenging, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        state, db, actor = scherm.state, scherm.db, scherm.actor

        async def actie() -> Redirect:
            if data.maanden not in {"1", "2"}:
                raise RegelFouten({"maanden": "Kies één of twee maanden."})
            async with db.begin():
                await services.verleng(
                    db, actor, verzoek_id, maanden=int(data.maanden), reden=data.reden
                )
            return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)

        return await of_opnieuw(
            actie,
            lambda fouten: detail_pagina(
                db, actor, state, verzoek_id, fouten=fouten, waarden=data.waarden()
            ),
            standaardveld="reden",
        )

    @get("/inzage/{formaat:str}", name="contactpunt-inzage")
    async def inzage_download(
        self,
        verzoek_id: FromPath[uuid.UUID],
        formaat: FromPath[str],
        scherm: NamedDependency[Scherm],
    ) -> Response[Any]:
        """The person's inzage as JSON or PDF; passes the export guard and is logged."""
        state, db, actor = scherm.state, scherm.db, scherm.actor
        if formaat not in {"json", "pdf"}:
            raise NotFoundException
        try:
            # The sources' names come from the platform: read between the tenant's transactions
            # (one pooled connection at a time, casushub.platform.een_verbinding).
            async with db.begin():
                found = await verzoek.verzoek(db, verzoek_id)
                bron = (
                    await bronnen.bron_organisaties(db, found.persoon_id)
                    if found.persoon_id
                    else set()
                )
            namen = await organisatienamen(state, bron)
            async with db.begin():
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
        }
        if formaat == "pdf":
            pdf = await asyncio.to_thread(render_pdf, inzage.document)
            return Response(pdf, media_type="application/pdf", headers=headers)
        return Response(
            json.dumps(inzage.document, ensure_ascii=False, indent=2).encode(),
            media_type="application/json",
            headers=headers,
        )


verzoek_handlers: list[Any] = [VerzoekController]
