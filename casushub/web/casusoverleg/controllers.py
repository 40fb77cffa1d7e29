"""Controllers of the casusoverleg screens (Dutch UI, htmx fragments, logged reads).

Each handler opens one transaction on the active tenant, calls the services (which check
need-to-know and write the access log in that same transaction) and renders. The casus page
loads each data group as its own fragment, so each read is logged per data group, and only
when it is actually shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.overdracht import inkomende_overdrachten
from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.bijlagen import mag_bijlage_toevoegen
from casushub.tenants.casus.errors import GeenToegang, RegelFouten
from casushub.tenants.casus.items import lijst_items, toon_item, voeg_item_toe
from casushub.tenants.casus.overzicht import LIJSTEN, overzicht
from casushub.tenants.personen.services import zoek_personen
from casushub.tenants.signalen.models import AANLEIDINGEN
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal, signaalfouten
from casushub.tenants.uitnodigingen.services import accepteer, lees_uitnodiging, mijn_uitnodigingen
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.agenda import LOKAAL
from casushub.web.casusoverleg.bijeenkomsten import bijeenkomsten_info, komende_bijeenkomsten
from casushub.web.casusoverleg.deps import CasusoverlegBasis, datum, datum_in
from casushub.web.casusoverleg.namen import (
    ANDERE_GEMEENTE,
    gekozen_gemeentecode,
    gemeenten,
    gemeentenaam_van,
    organisatienamen,
)
from casushub.web.casusoverleg.planscherm import plan_sectie
from casushub.web.casusoverleg.rollen import ALLEN, WERKERS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import DATUM_FOUT, FORMULIER, Formulier, of_opnieuw
from casushub.web.meldingen import meld
from casushub.web.paginering import bladerlinks, gevraagde_paginas

__all__ = ["CasusoverlegController"]


@dataclass
class Informatie(Formulier):
    tekst: str = ""
    categorie: str = ""
    deelbeperking: str = ""


@dataclass
class Tonen(Formulier):
    doel: str = ""


@dataclass
class Signaal(Formulier):
    naam: str = ""
    geboortedatum: str = ""
    gemeente_van_verblijf: str = ""
    andere_gemeentecode: str = ""
    adres: str = ""
    aliassen: str = ""
    ontvangen_op: str = ""
    omschrijving: str = ""
    aanleiding: str = ""
    aanleiding_toelichting: str = ""


@dataclass
class Geheimhouding(Formulier):
    geheimhouding: str = ""


_CATEGORIEEN = [
    ("gewoon", "Gewone gegevens"),
    ("bijzonder", "Bijzondere gegevens (zoals gezondheid, religie, politieke opvattingen)"),
    ("strafrechtelijk", "Strafrechtelijke gegevens"),
]


async def informatie_fragment(
    scherm: Scherm,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    bijlage_fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    """The casus's information items, the form for a new one, and an upload form on each item
    the actor may add files to (with an upload error next to its item's form). The items
    are read in a transaction of its own, the sources' names (platform) after it."""
    state, actor = scherm.state, scherm.actor
    async with scherm.db.begin():
        items = await lijst_items(scherm.db, actor, casus_id)
    bronnen = await organisatienamen(
        state.engine, {i.bron_organisatie_id for i in items if i.bron_organisatie_id}
    )
    return Template(
        "casusoverleg/_informatie.html",
        context={
            "items": items,
            "casus_id": casus_id,
            "waarden": waarden or {"categorie": "gewoon"},
            "fouten": fouten or {},
            "categorieen": _CATEGORIEEN,
            "bijlage_fouten": bijlage_fouten or {},
            "uploadbaar": {
                i.item_id for i in items if mag_bijlage_toevoegen(actor, i.bron_organisatie_id)
            },
            "bijlage_max_mb": max(1, state.settings.bijlage_max_bytes // (1024 * 1024)),
            "bronnen": bronnen,
            "melding": melding,
        },
        status_code=status_code,
    )


_SIGNAAL_VELDEN = (
    "naam",
    "geboortedatum",
    "gemeente_van_verblijf",
    "andere_gemeentecode",
    "adres",
    "aliassen",
    "ontvangen_op",
    "omschrijving",
    "aanleiding",
    "aanleiding_toelichting",
)


async def _signaal_formulier(
    state: State, waarden: dict[str, str], fouten: dict[str, str]
) -> Template:
    return Template(
        "casusoverleg/signaal.html",
        context={
            "waarden": waarden,
            "fouten": fouten,
            "gemeenten": (await gemeenten(state.engine)).opties(),
            "aanleidingen": list(AANLEIDINGEN.items()),
        },
    )


class CasusoverlegController(CasusoverlegBasis):
    opt = roles(*WERKERS)

    @get("/", name="casusoverleg", opt=roles(*ALLEN))
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        state: State,
        tenant: NamedDependency[TenantRef],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Template:
        context: dict[str, Any] = {"tenant": tenant, "actor": actor}
        # The municipality's lists in its transaction, the hub's meetings and names (platform)
        # after it: one pooled connection at a time (casushub.platform.een_verbinding).
        if actor.role == Role.INVITED_PARTY:
            async with db.begin():
                uitnodigingen = await mijn_uitnodigingen(db, actor)
            info = await bijeenkomsten_info(state.engine, {u.bijeenkomst_id for u in uitnodigingen})
            # Which meeting, of which municipality, and (once confidentiality is accepted) why:
            # enough to tell two invitations apart, nothing about the person before that.
            context["uitnodigingen"] = [(u, info.get(u.bijeenkomst_id)) for u in uitnodigingen]
            context["gemeente"] = await gemeentenaam_van(state.engine, tenant.id)
            context["bijeenkomsten"] = sorted(info.values(), key=lambda b: b.begint_op)
        else:
            async with db.begin():
                lijsten = await overzicht(
                    db, actor, gevraagde_paginas(request.query_params, LIJSTEN)
                )
            async with state.engine.connect() as conn:
                context["bijeenkomsten"] = await komende_bijeenkomsten(conn, tenant.id)
                if actor.role in {Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR}:
                    context["overdrachten"] = await inkomende_overdrachten(conn, tenant.id)
            context["lijsten"] = {naam: getattr(lijsten, naam) for naam in LIJSTEN}
            context["bladeren"] = {
                naam: bladerlinks("/casusoverleg", context["lijsten"], naam) for naam in LIJSTEN
            }
        return Template("casusoverleg/dashboard.html", context=context)

    @get("/casussen/{casus_id:uuid}/informatie", name="casus-informatie")
    async def casus_informatie(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        fragment = await informatie_fragment(scherm, casus_id)
        return await scherm.sectie(casus_id, "informatie", fragment)

    @post("/casussen/{casus_id:uuid}/informatie", name="casus-informatie-toevoegen")
    async def casus_informatie_toevoegen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Informatie, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """Add an item; the source is the actor's own organisation (rule 4)."""
        db, actor = scherm.db, scherm.actor
        bron = actor.organisation_id
        if bron is None:
            raise GeenToegang

        async def pagina(
            fouten: dict[str, str] | None = None, melding: str | None = None
        ) -> Template:
            fragment = await informatie_fragment(
                scherm,
                casus_id,
                waarden=data.waarden() if fouten else None,
                fouten=fouten,
                melding=melding,
            )
            return await scherm.sectie(casus_id, "informatie", fragment)

        async def actie() -> Template:
            async with db.begin():
                await voeg_item_toe(
                    db,
                    actor,
                    casus_id=casus_id,
                    tekst=data.tekst,
                    bron_organisatie_id=bron,
                    datum=klok.vandaag(),
                    categorie=data.categorie,
                    deelbeperking=data.deelbeperking or None,
                )
            return await pagina(melding="Informatie toegevoegd. Uw organisatie is de bron.")

        return await of_opnieuw(actie, pagina, standaardveld="tekst")

    @post("/informatie/{item_id:uuid}/tonen", name="item-tonen")
    async def item_tonen(
        self,
        item_id: FromPath[uuid.UUID],
        data: Annotated[Tonen, FORMULIER],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Template:
        """The explicit action that opens a special or criminal item, with its purpose."""

        async def actie() -> Template:
            async with db.begin():
                item = await toon_item(db, actor, item_id, doel=data.doel)
            return Template("casusoverleg/_item.html", context={"item": item, "gesloten": False})

        async def gesloten(fouten: dict[str, str]) -> Template:
            return Template(
                "casusoverleg/_item.html",
                context={
                    "item": {"item_id": item_id},
                    "gesloten": True,
                    "fout": next(iter(fouten.values())),
                },
            )

        return await of_opnieuw(actie, gesloten, standaardveld="doel")

    @get("/casussen/{casus_id:uuid}/plan", name="casus-plan")
    async def casus_plan(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await plan_sectie(scherm, casus_id)

    @get("/signalen/nieuw", name="signaal-nieuw")
    async def signaal_nieuw(self, state: State, actor: NamedDependency[Actor]) -> Template:
        return await _signaal_formulier(
            state, {"ontvangen_op": klok.vandaag().strftime("%d-%m-%Y")}, {}
        )

    @post("/signalen/nieuw", name="signaal-opslaan")
    async def signaal_opslaan(
        self, data: Annotated[Signaal, FORMULIER], scherm: NamedDependency[Scherm]
    ) -> Template | Redirect | Response[bytes]:
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        bron = actor.organisation_id
        if bron is None:
            raise GeenToegang

        async def actie() -> None:
            fouten: dict[str, str] = {}
            geboren = datum_in(data.geboortedatum, "geboortedatum", fouten)
            ontvangen = datum_in(
                data.ontvangen_op,
                "ontvangen_op",
                fouten,
                verplicht="Vul de datum van ontvangst in.",
            )
            code = gekozen_gemeentecode(data.gemeente_van_verblijf, data.andere_gemeentecode)
            if data.gemeente_van_verblijf == ANDERE_GEMEENTE and not (
                len(code) == 4 and code.isdigit()
            ):
                fouten["andere_gemeentecode"] = (
                    "Vul de CBS-code van de andere gemeente in: vier cijfers, bijvoorbeeld 0363."
                )
            invoer = NieuwSignaal(
                naam=data.naam,
                gemeente_van_verblijf=code,
                omschrijving=data.omschrijving,
                bron_organisatie_id=bron,
                ontvangen_op=ontvangen or klok.vandaag(),
                geboortedatum=geboren,
                adres=data.adres or None,
                aliassen=[a for a in data.aliassen.split(",") if a.strip()],
                # Asked on the form, no choice made for the user: empty is refused.
                aanleiding=data.aanleiding,
                aanleiding_toelichting=data.aanleiding_toelichting,
            )
            if fouten:
                # Every other missing field as well: the summary lists them all at once.
                alle = {**signaalfouten(invoer), **fouten}
                if "andere_gemeentecode" in alle:
                    alle.pop("gemeente_van_verblijf", None)
                raise RegelFouten({v: alle[v] for v in _SIGNAAL_VELDEN if v in alle})
            async with db.begin():
                await registreer_signaal(db, actor, invoer)

        async def opnieuw(fouten: dict[str, str]) -> Template:
            gemeld = {(v if v in _SIGNAAL_VELDEN else "omschrijving"): t for v, t in fouten.items()}
            return await _signaal_formulier(state, data.waarden(), gemeld)

        if (pagina := await of_opnieuw(actie, opnieuw, standaardveld="omschrijving")) is not None:
            return pagina
        meld(request, "Signaal opgeslagen. Het staat klaar voor de weging door de weegploeg.")
        if request.headers.get("hx-request"):
            # The form posts over htmx (hx-select keeps only the form): a 303 would be followed
            # inside the XHR and swap an empty selection; HX-Redirect makes it a real page load.
            return Response(b"", status_code=204, headers={"HX-Redirect": "/casusoverleg"})
        return Redirect("/casusoverleg", status_code=303)

    @get("/zoeken", name="zoeken")
    async def zoeken(
        self,
        state: State,
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        naam: FromQuery[str] = "",
        geboortedatum: FromQuery[str] = "",
    ) -> Template:
        context: dict[str, Any] = {"naam": naam, "geboortedatum": geboortedatum, "fouten": {}}
        if naam.strip() or geboortedatum.strip():
            try:
                geboren = datum(geboortedatum)
            except ValueError:
                context["fouten"] = {"geboortedatum": DATUM_FOUT}
                return Template("casusoverleg/zoeken.html", context=context, status_code=422)
            async with db.begin():
                context["treffers"] = await zoek_personen(
                    db, actor, sleutel=state.settings.secret_key, naam=naam, geboortedatum=geboren
                )
        return Template("casusoverleg/zoeken.html", context=context)

    @get("/uitnodigingen/{uitnodiging_id:uuid}", name="uitnodiging", opt=roles(Role.INVITED_PARTY))
    async def uitnodiging(
        self,
        uitnodiging_id: FromPath[uuid.UUID],
        state: State,
        tenant: NamedDependency[TenantRef],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Template:
        try:
            async with db.begin():
                weergave = await lees_uitnodiging(db, actor, uitnodiging_id)
        except GeenToegang as exc:
            if "geheimhoudingsplicht" in exc.message:
                return Template(
                    "casusoverleg/geheimhouding.html", context={"uitnodiging_id": uitnodiging_id}
                )
            # casushub.web.errors answers it with a 403; casushub.web.weigeringslog records it.
            raise
        info = await bijeenkomsten_info(state.engine, {weergave.uitnodiging.bijeenkomst_id})
        return Template(
            "casusoverleg/uitnodiging.html",
            context={
                "weergave": weergave,
                "bijeenkomst": info.get(weergave.uitnodiging.bijeenkomst_id),
                "gemeente": await gemeentenaam_van(state.engine, tenant.id),
                "tijdzone": LOKAAL,
            },
        )

    @post(
        "/uitnodigingen/{uitnodiging_id:uuid}/accepteren",
        name="uitnodiging-accepteren",
        opt=roles(Role.INVITED_PARTY),
    )
    async def uitnodiging_accepteren(
        self,
        uitnodiging_id: FromPath[uuid.UUID],
        data: Annotated[Geheimhouding, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        async def actie() -> Redirect:
            async with scherm.db.begin():
                await accepteer(
                    scherm.db,
                    scherm.actor,
                    uitnodiging_id,
                    geheimhouding_geaccepteerd=data.geheimhouding == "ja",
                )
            return scherm.terug(
                f"/casusoverleg/uitnodigingen/{uitnodiging_id}",
                "Geheimhoudingsplicht geaccepteerd. U ziet nu de informatie die met u is gedeeld.",
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            return Template(
                "casusoverleg/geheimhouding.html",
                context={"uitnodiging_id": uitnodiging_id, "fout": next(iter(fouten.values()))},
            )

        return await of_opnieuw(actie, opnieuw, standaardveld="geheimhouding")
