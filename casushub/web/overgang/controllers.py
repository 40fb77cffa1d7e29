"""The regie's transition screens: format, upload and dry run, import progress, the list of
imported cases with their deadlines, and the weging of one case.

Controllers parse input and call one service each (the modules of ``casushub.tenants.overgang``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.hub.checklist import gereed_voor_livegang
from casushub.platform.hub.gemeenten import gemeentecode, gemeentecodes
from casushub.platform.identity.roles import Role
from casushub.platform.jobs import create_job, get_job
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout
from casushub.tenants.overgang import formaat
from casushub.tenants.overgang.inlezen import (
    bevestig,
    lees_import,
    proefimport,
    verwerp,
    weegtermijn,
    wijzig_weegtermijn,
)
from casushub.tenants.overgang.lijst import HERINNER_DAGEN, lees_zaak, overgangslijst
from casushub.tenants.overgang.models import ImportStatus
from casushub.tenants.overgang.weging import ZaakWeging, weeg_zaak
from casushub.tenants.weging.rules import BEOORDELINGEN, CRITERIA, Uitkomst
from casushub.tenants.weging.services import Aanwezige
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijlagen import content_disposition
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.casusoverleg.weging import deelnemende_organisaties
from casushub.web.formulieren import FORMULIER, Formulier, datumveld, meerdere, of_opnieuw
from casushub.web.jobs import job_context
from casushub.web.weegformulier import Weegformulier, veld_id
from casushub.workers.enqueue import send_job

__all__ = ["overgang_handlers"]

log = logging.getLogger(__name__)
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
UPLOAD = (Role.GEMEENTE_REGIE,)
IMPORT_ACTOR = "overgang.import"
_OMHULSEL = 64 * 1024
UITKOMSTEN = [
    (Uitkomst.OPNAME.value, "Opname in casusoverleg: de zaak wordt een casus onder de Wet"),
    (Uitkomst.GEEN_ACTIE.value, "Geen actie: de zaak valt af en wordt vernietigd"),
    (
        Uitkomst.NIET_ONDER_WET.value,
        "Valt niet onder deze wet: de zaak wordt vernietigd; de zorgen horen in de reguliere "
        "persoonsgerichte aanpak van de gemeente",
    ),
]
MELDINGEN = {
    "geen_actie": "De weging is vastgelegd: geen actie. De zaak wordt vannacht vernietigd; "
    "er blijft een vernietigingsbewijs zonder persoonsgegevens.",
    "termijn": "De termijn voor de weging is gewijzigd. Hij geldt voor zaken die vanaf nu "
    "worden ingelezen.",
    "verworpen": "De proefimport is verworpen; er is niets ingelezen.",
}
KRUIMEL = {"label": "Overgangsvoorraad", "href": "/overgang"}


@dataclass
class Weegtermijn(Formulier):
    maanden: str = ""


async def bekende_gemeenten(state: State) -> set[str]:
    """The CBS codes of every municipality on the platform (a file's rows are checked
    against them)."""
    async with state.engine.connect() as conn:
        return await gemeentecodes(conn)


async def lees_bestand(request: Request[Any, Any, State]) -> tuple[str, bytes]:
    """The uploaded file ``bestand``: its name and at most one byte more than a file may hold
    (so a larger one is refused, not cut); every upload of the request is closed."""
    formulier = await request.form()
    naam, inhoud = "", b""
    try:
        bestand = formulier.get("bestand")
        if isinstance(bestand, UploadFile):
            naam = bestand.filename or ""
            inhoud = await bestand.read(formaat.MAX_BESTAND_BYTES + 1)
    finally:
        for waarde in formulier.values():
            if isinstance(waarde, UploadFile):
                await waarde.close()
    return naam, inhoud


async def _overzicht(
    db: AsyncSession,
    actor: Actor,
    *,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Template:
    """The list of imported cases with the period for the weging (and a form's refusal)."""
    async with db.begin():
        zaken = await overgangslijst(db, actor)
        termijn = await weegtermijn(db)
    return Template(
        "overgang/overzicht.html",
        context={
            "zaken": zaken,
            "termijn": termijn,
            "vandaag": klok.vandaag(),
            "herinner_dagen": HERINNER_DAGEN,
            "mag_uploaden": actor.role in UPLOAD,
            "fouten": fouten or {},
            "melding": melding,
        },
    )


async def _gemeentecode(state: State, tenant: TenantRef) -> str:
    async with state.engine.connect() as conn:
        return str(await gemeentecode(conn, tenant.id))


def _download(tekst: str, naam: str, mediatype: str) -> Response[bytes]:
    return Response(
        tekst.encode("utf-8"),
        media_type=mediatype,
        headers={
            "Content-Disposition": content_disposition(naam),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _weegscherm(
    zaak: Any,
    organisaties: list[tuple[str, str, str]],
    waarden: dict[str, Any],
    fouten: dict[str, str],
    status_code: int = 200,
) -> Template:
    return Template(
        "overgang/weging.html",
        context={
            "zaak": zaak,
            "organisaties": organisaties,
            "waarden": waarden,
            "fouten": fouten,
            "criteria": CRITERIA,
            "beoordelingen": [("", "Kies een beoordeling"), *BEOORDELINGEN.items()],
            "uitkomsten": UITKOMSTEN,
            "kruimel": KRUIMEL,
            "aanwezig_id": veld_id("aanwezigen", organisaties),
        },
        status_code=status_code,
    )


class OvergangController(Controller):
    """The regie's transition screens."""

    path = "/overgang"
    opt = roles(*REGIE)
    dependencies = DEPS

    @get("", name="overgang")
    async def overgang_overzicht(
        self,
        scherm: NamedDependency[Scherm],
        gedaan: FromQuery[str | None] = None,
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        return await _overzicht(db, actor, melding=MELDINGEN.get(gedaan or ""))

    @get("/formaat", name="overgang-formaat", sync_to_thread=False)
    def overgang_formaat(self) -> Template:
        return Template(
            "overgang/formaat.html",
            context={"velden": formaat.VELDEN, "max_rijen": formaat.MAX_RIJEN, "kruimel": KRUIMEL},
        )

    @get("/bestanden/{naam:str}", name="overgang-bestand")
    async def overgang_bestand(
        self, naam: FromPath[str], state: State, tenant: NamedDependency[TenantRef]
    ) -> Response[bytes]:
        """The template and the example file (fictitious persons, in this municipality)."""
        code = await _gemeentecode(state, tenant)
        bestanden = {
            "sjabloon.csv": (formaat.sjabloon_csv, "text/csv; charset=utf-8"),
            "sjabloon.json": (formaat.sjabloon_json, "application/json"),
            "voorbeeld.csv": (lambda: formaat.voorbeeld_csv(code), "text/csv; charset=utf-8"),
            "voorbeeld.json": (lambda: formaat.voorbeeld_json(code), "application/json"),
        }
        if naam not in bestanden:
            raise NotFoundException
        maak, mediatype = bestanden[naam]
        return _download(maak(), f"overgangsvoorraad-{naam}", mediatype)

    @post(
        "/proef",
        name="overgang-proef",
        opt=roles(*UPLOAD),
        request_max_body_size=formaat.MAX_BESTAND_BYTES + _OMHULSEL,
    )
    async def overgang_proef(
        self,
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        naam, inhoud = await lees_bestand(request)
        gemeenten = await bekende_gemeenten(state)
        try:
            if not inhoud:
                raise RegelFout("Kies een CSV- of JSON-bestand om te controleren.", "bestand")
            async with db.begin():
                upload = await proefimport(
                    db,
                    actor,
                    bestandsnaam=naam,
                    inhoud=inhoud,
                    bekende_gemeenten=gemeenten,
                    geheim=state.settings.secret_key.encode(),
                )
        except RegelFout as fout:
            pagina = await _overzicht(db, actor, fouten={"bestand": fout.message})
            pagina.status_code = 422
            return pagina
        return Redirect(f"/overgang/imports/{upload.id}", status_code=303)

    @get("/imports/{import_id:uuid}", name="overgang-import", opt=roles(*UPLOAD))
    async def overgang_import(
        self,
        import_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        state, db, actor = scherm.state, scherm.db, scherm.actor
        async with db.begin():
            upload = await lees_import(db, actor, import_id)
        job = await get_job(state.engine, upload.job_id) if upload.job_id else None
        rapport = upload.rapport or []
        return Template(
            "overgang/import.html",
            context={
                "upload": upload,
                "proef": upload.status == ImportStatus.PROEF,
                "fouten_rijen": [r for r in rapport if r["status"] == "fout"],
                "nieuw": sum(1 for r in rapport if r["status"] == "nieuw"),
                "al_ingelezen": sum(1 for r in rapport if r["status"] == "al_ingelezen"),
                "rapport": rapport,
                "kruimel": KRUIMEL,
                "basis": "/overgang",
                **(job_context(job) if job else {}),
            },
        )

    @post("/imports/{import_id:uuid}/bevestigen", name="overgang-bevestigen", opt=roles(*UPLOAD))
    async def overgang_bevestigen(
        self,
        import_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Redirect:
        state, tenant, db, actor = scherm.state, scherm.tenant, scherm.db, scherm.actor
        async with db.begin():
            upload = await lees_import(db, actor, import_id)
            if upload.status != ImportStatus.PROEF or not upload.rijen:
                return Redirect(f"/overgang/imports/{import_id}", status_code=303)
        # The job row first (platform), then the confirmation naming it (tenant), then the
        # message: a lost message is resent by the jobs sweep, and the actor checks the status.
        job_id = await create_job(
            state.engine, IMPORT_ACTOR, tenant_id=tenant.id, params={"import_id": str(import_id)}
        )
        try:
            async with db.begin():
                await bevestig(db, actor, import_id, job_id)
        except RegelFout:
            return Redirect(f"/overgang/imports/{import_id}", status_code=303)
        try:
            await asyncio.to_thread(send_job, job_id, IMPORT_ACTOR)
        except Exception:  # noqa: BLE001 - the jobs sweep sends it once the broker is back
            log.warning("broker unavailable; job %s stays queued for the sweep", job_id)
        return Redirect(f"/overgang/imports/{import_id}", status_code=303)

    @post("/imports/{import_id:uuid}/verwerpen", name="overgang-verwerpen", opt=roles(*UPLOAD))
    async def overgang_verwerpen(
        self,
        import_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Redirect:
        db, actor = scherm.db, scherm.actor
        try:
            async with db.begin():
                await verwerp(db, actor, import_id)
        except RegelFout:
            pass
        return Redirect("/overgang?gedaan=verworpen", status_code=303)

    @post("/termijn", name="overgang-termijn", opt=roles(Role.GEMEENTE_REGIE))
    async def overgang_termijn(
        self,
        data: Annotated[Weegtermijn, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        waarde = data.maanden.strip()

        async def actie() -> Redirect:
            if not waarde.isdigit():
                raise RegelFout("Kies een termijn van 1 tot 12 maanden.", "maanden")
            async with db.begin():
                await wijzig_weegtermijn(db, actor, int(waarde))
            return Redirect("/overgang?gedaan=termijn", status_code=303)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            # The page has one field for the period: every refusal sits there.
            return await _overzicht(db, actor, fouten={"maanden": " ".join(fouten.values())})

        return await of_opnieuw(actie, opnieuw, standaardveld="maanden")

    @get("/zaken/{zaak_id:uuid}/weging", name="overgang-weging")
    async def overgang_weging(
        self,
        zaak_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        state, tenant, db, actor = scherm.state, scherm.tenant, scherm.db, scherm.actor
        async with db.begin():
            zaak = await lees_zaak(db, actor, zaak_id)
        organisaties = await deelnemende_organisaties(state, tenant)
        return _weegscherm(zaak, organisaties, {"datum": klok.vandaag().strftime("%d-%m-%Y")}, {})

    @post("/zaken/{zaak_id:uuid}/weging", name="overgang-weging-opslaan")
    async def overgang_weging_opslaan(
        self,
        zaak_id: FromPath[uuid.UUID],
        data: Annotated[Weegformulier, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        state, tenant, db, actor = scherm.state, scherm.tenant, scherm.db, scherm.actor
        organisaties = await deelnemende_organisaties(state, tenant)
        soort = {i: t for i, _, t in organisaties}
        waarden: dict[str, Any] = data.waarden()
        waarden["aanwezig"] = [a for a in meerdere(data.aanwezig) if a in soort]

        async def actie() -> Redirect:
            weegdatum = datumveld(data.datum, "datum")
            if weegdatum is None:
                raise RegelFout("Vul de datum van de weging in.", "datum")
            invoer = ZaakWeging(
                datum=weegdatum,
                aanwezigen=[Aanwezige(uuid.UUID(a), soort[a]) for a in waarden["aanwezig"]],
                criteria=data.beoordelingen(),
                redenering=data.redenering[:10_000],
                uitkomst=data.uitkomst or None,
            )
            async with state.engine.connect() as conn:
                code = await gemeentecode(conn, tenant.id)
                live = await gereed_voor_livegang(conn, tenant.id)
            if invoer.uitkomst == Uitkomst.OPNAME and not live:
                raise RegelFout(
                    "Deze gemeente is nog niet live: er kan nog geen casus worden aangemaakt tot "
                    "de hub de verplichte implementatiestappen heeft afgerond.",
                    "uitkomst",
                )
            async with db.begin():
                zaak = await weeg_zaak(db, actor, zaak_id, invoer, regie_gemeente=code or "")
            if zaak.casus_id is not None:
                return Redirect(f"/casusoverleg/casussen/{zaak.casus_id}", status_code=303)
            return Redirect("/overgang?gedaan=geen_actie", status_code=303)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            async with db.begin():
                zaak = await lees_zaak(db, actor, zaak_id)
            velden = {veld_id(veld, organisaties): melding for veld, melding in fouten.items()}
            return _weegscherm(zaak, organisaties, waarden, velden)

        return await of_opnieuw(actie, opnieuw, standaardveld="redenering")


overgang_handlers = [OvergangController]
