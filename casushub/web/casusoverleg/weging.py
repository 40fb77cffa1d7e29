"""The weegploeg's screen: weigh a signal against the five criteria, then take it in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.hub.checklist import gereed_voor_livegang
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout, RegelFouten
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.plan.rules import DEELNEMER_TYPES
from casushub.tenants.signalen.services import lees_signaal
from casushub.tenants.weging.opname import wachtend_op_opname
from casushub.tenants.weging.rules import (
    BEOORDELINGEN,
    CRITERIA,
    Uitkomst,
    vaststellingsfouten,
)
from casushub.tenants.weging.services import (
    Aanwezige,
    WegingInvoer,
    aanwezigen_van,
    lees_concept,
    weeg_signaal,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import CasusoverlegBasis, datum_in
from casushub.web.casusoverleg.namen import gemeentecode_van, organisaties_van_hub, soortnaam
from casushub.web.casusoverleg.rollen import REGIE, WERKERS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, meerdere, of_opnieuw
from casushub.web.weegformulier import Weegformulier, veld_id

__all__ = ["KEUZE_BEOORDELING", "OP_TE_NEMEN", "WegingController"]

OP_TE_NEMEN = "/casusoverleg/op-te-nemen"  # also the werkruimte's link
# A legal assessment starts empty: the first option chooses nothing (no "geen zorg" default).
KEUZE_BEOORDELING = [("", "Kies een beoordeling"), *BEOORDELINGEN.items()]


async def deelnemende_organisaties(state: State, tenant: TenantRef) -> list[tuple[str, str, str]]:
    """(id, name, type) of the statutory participants of this municipality's casusoverleg:
    its own gemeente organisation and the hub's other participants (no personal data)."""
    return [
        o for o in await organisaties_van_hub(state.engine, tenant.id) if o[2] in DEELNEMER_TYPES
    ]


@dataclass
class Weging(Weegformulier):
    vervolgdatum: str = ""
    actie: str = ""


def _scherm(
    signaal: Any,
    organisaties: list[tuple[str, str, str]],
    waarden: dict[str, Any],
    fouten: dict[str, str],
    status_code: int = 200,
    *,
    concept: bool = False,
) -> Template:
    return Template(
        "casusoverleg/weging.html",
        context={
            "concept": concept,
            "signaal": signaal,
            "organisaties": [(i, n, soortnaam(t)) for i, n, t in organisaties],
            "waarden": waarden,
            "fouten": fouten,
            "criteria": CRITERIA,
            "beoordelingen": KEUZE_BEOORDELING,
            "uitkomsten": [("", "Kies een uitkomst")] + [(u.value, u.label) for u in Uitkomst],
            "aanwezig_id": veld_id("aanwezigen", organisaties),
        },
        status_code=status_code,
    )


NOG_NIET_LIVE = (
    "Deze gemeente is nog niet live: er kan nog geen casus worden aangemaakt tot de hub de "
    "verplichte implementatiestappen heeft afgerond. De weging is bewaard."
)


class WegingController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @get("/signalen/{signaal_id:uuid}/weging", name="weging", opt=roles(*WERKERS))
    async def weging_formulier(
        self, signaal_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            signaal = await lees_signaal(db, actor, signaal_id)
            concept = await lees_concept(db, actor, signaal_id)
        organisaties = await deelnemende_organisaties(scherm.state, scherm.tenant)
        waarden: dict[str, Any] = {"datum": klok.vandaag().strftime("%d-%m-%Y")}
        if concept is not None:
            # The draft saved earlier: every answer as it was chosen then, nothing added.
            weging, aanwezigen = concept
            waarden = {
                "datum": weging.datum.strftime("%d-%m-%Y"),
                "aanwezig": [str(a.organisatie_id) for a in aanwezigen],
                "redenering": weging.redenering or "",
                "uitkomst": weging.uitkomst or "",
                "vervolgdatum": weging.vervolgdatum.strftime("%d-%m-%Y")
                if weging.vervolgdatum
                else "",
            }
            for key, item in (weging.criteria or {}).items():
                waarden[f"{key}_beoordeling"] = str(item.get("beoordeling", ""))
                waarden[f"{key}_toelichting"] = str(item.get("toelichting", ""))
        return _scherm(signaal, organisaties, waarden, {}, concept=concept is not None)

    @post("/signalen/{signaal_id:uuid}/weging", name="weging-opslaan", opt=roles(*WERKERS))
    async def weging_opslaan(
        self,
        signaal_id: FromPath[uuid.UUID],
        data: Annotated[Weging, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor
        organisaties = await deelnemende_organisaties(scherm.state, scherm.tenant)
        soort = {i: t for i, _, t in organisaties}
        ingevuld = data.waarden()
        waarden: dict[str, Any] = {
            **ingevuld,
            "aanwezig": [a for a in meerdere(data.aanwezig) if a in soort],
        }
        fouten: dict[str, str] = {}
        weegdatum = datum_in(
            data.datum, "datum", fouten, verplicht="Vul de datum van de weging in."
        )
        vervolg = datum_in(data.vervolgdatum, "vervolgdatum", fouten)
        invoer = WegingInvoer(
            signaal_id=signaal_id,
            datum=weegdatum or klok.vandaag(),
            aanwezigen=[Aanwezige(uuid.UUID(a), soort[a]) for a in waarden["aanwezig"]],
            criteria=data.beoordelingen(),
            redenering=data.redenering,
            uitkomst=data.uitkomst or None,
            vervolgdatum=vervolg,
        )
        vaststellen = data.actie == "vaststellen"
        if fouten and vaststellen:
            # Everything else that is missing too, so the summary lists it all at once.
            fouten = {
                **fouten,
                **vaststellingsfouten(
                    datum=klok.vandaag(),
                    aanwezige_types={a.organisatie_type for a in invoer.aanwezigen},
                    criteria=invoer.criteria,
                    uitkomst=invoer.uitkomst,
                    redenering=invoer.redenering,
                    vervolgdatum=invoer.vervolgdatum,
                ),
                **fouten,
            }

        async def actie() -> Redirect:
            if fouten:
                raise RegelFouten(fouten)
            async with db.begin():
                weging = await weeg_signaal(db, actor, invoer, vaststellen=vaststellen)
            if not vaststellen:
                return scherm.terug(
                    "/casusoverleg",
                    "Concept van de weging opgeslagen. U kunt de weging later vaststellen.",
                )
            uitkomst = Uitkomst(weging.uitkomst or "")
            naar = {
                Uitkomst.OPNAME: f"/casusoverleg/wegingen/{weging.id}/opname",
                # Where the concerns go instead: the municipality's regular aanpak.
                Uitkomst.NIET_ONDER_WET: "/grens-van-de-wet",
            }.get(uitkomst, "/casusoverleg")
            return scherm.terug(naar, f"Weging vastgesteld met uitkomst: {uitkomst.label}.")

        async def opnieuw(gemeld: dict[str, str]) -> Template:
            # An unknown signal (or another tenant's id) is a 404 here too, not a 500.
            async with db.begin():
                signaal = await lees_signaal(db, actor, signaal_id)
            velden = {naam: veld_id(naam, organisaties) for naam in gemeld}
            return _scherm(
                signaal,
                organisaties,
                waarden,
                {velden[naam]: tekst for naam, tekst in gemeld.items()},
            )

        return await of_opnieuw(actie, opnieuw, standaardveld="redenering")

    @get("/wegingen/{weging_id:uuid}/opname", name="opname")
    async def opname_formulier(self, weging_id: FromPath[uuid.UUID]) -> Template:
        return Template("casusoverleg/opname.html", context={"weging_id": weging_id, "fout": None})

    @post("/wegingen/{weging_id:uuid}/opname", name="opname-opslaan")
    async def opname_opslaan(
        self,
        weging_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Take the person in: the participants are the organisations that weighed the signal."""
        db, actor = scherm.db, scherm.actor
        async with scherm.state.engine.connect() as conn:
            code = await gemeentecode_van(conn, scherm.tenant.id)
            live = await gereed_voor_livegang(conn, scherm.tenant.id)
        if not live:
            # no casus before the hub has seen the required implementation steps done.
            return Template(
                "casusoverleg/opname.html",
                context={"weging_id": weging_id, "fout": NOG_NIET_LIVE},
                status_code=422,
            )
        try:
            async with db.begin():
                deelnemers = [
                    Deelnemer(a.organisatie_id, a.organisatie_type)
                    for a in await aanwezigen_van(db, weging_id)
                ]
                casus = await maak_casus(
                    db,
                    actor,
                    weging_id=weging_id,
                    regie_gemeente=code or "",
                    intake_datum=klok.vandaag(),
                    deelnemers=deelnemers,
                    procesregisseur_id=actor.user_id
                    if actor.role == Role.PROCESREGISSEUR
                    else None,
                )
        except RegelFout as fout:
            return Template(
                "casusoverleg/opname.html",
                context={"weging_id": weging_id, "fout": fout.message},
                status_code=422,
            )
        return scherm.terug(
            f"/casusoverleg/casussen/{casus.id}",
            "Casus aangemaakt. Stel binnen de termijn een plan van aanpak op.",
        )

    @get(OP_TE_NEMEN.removeprefix("/casusoverleg"), name="op-te-nemen")
    async def op_te_nemen(
        self, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
    ) -> Template:
        """The wegingen that concluded "opname" and still wait for their casus."""
        async with db.begin():
            lijst = await wachtend_op_opname(db, actor)
        return Template("casusoverleg/op_te_nemen.html", context={"lijst": lijst})
