"""The plan van aanpak on the casus page: interventions under each participant's own power.

The fragment is the plan's logged read; the regie (and the procesregisseur) add and update
interventions inline (htmx) and adopt the plan. An invited third party can only be made
responsible when a participant of the casus commissioned it, and the commission is recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated

from litestar import post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from casushub.platform import klok
from casushub.tenants.casus.errors import RegelFouten
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.plan.rules import DEELNEMER_TYPES, DOMEINEN, InterventieStatus
from casushub.tenants.plan.rules import interventie_te_laat as te_laat
from casushub.tenants.plan.services import (
    InterventieInvoer,
    lees_plan,
    stel_plan_vast,
    voeg_interventie_toe,
    wijzig_interventie,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import CasusoverlegBasis, datum
from casushub.web.casusoverleg.namen import organisaties_van_hub, soortnaam
from casushub.web.casusoverleg.rollen import REGIE
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import DATUM_FOUT, FORMULIER, Formulier, datumveld, of_opnieuw

__all__ = [
    "INTERVENTIE_VELDEN",
    "Interventie",
    "PlanController",
    "interventie_invoer",
    "plan_sectie",
]

INTERVENTIE_VELDEN = (
    "omschrijving",
    "domein",
    "verantwoordelijke",
    "bevoegdheid",
    "deadline",
    "reviewdatum",
    "opdrachtgever",
    "opdracht",
)
_STATUSSEN = [(s.value, s.value) for s in InterventieStatus]


@dataclass
class Interventie(Formulier):
    omschrijving: str = ""
    domein: str = ""
    verantwoordelijke: str = ""
    bevoegdheid: str = ""
    deadline: str = ""
    reviewdatum: str = ""
    opdrachtgever: str = ""
    opdracht: str = ""


@dataclass
class InterventieStand(Formulier):
    status: str = ""
    resultaat: str = ""
    reviewdatum: str = ""


@dataclass
class Vaststelling(Formulier):
    doel: str = ""


def interventie_invoer(
    waarden: dict[str, str], organisaties: list[tuple[str, str, str]]
) -> tuple[InterventieInvoer | None, dict[str, str]]:
    """Parse the intervention form; field errors for what cannot even be parsed."""
    soort = {i: t for i, _, t in organisaties}
    fouten: dict[str, str] = {}
    datums: dict[str, date | None] = {}
    for veld in ("deadline", "reviewdatum"):
        try:
            datums[veld] = datum(waarden.get(veld, ""))
        except ValueError:
            fouten[veld] = DATUM_FOUT
    verantwoordelijke = waarden.get("verantwoordelijke", "")
    if verantwoordelijke not in soort:
        fouten["verantwoordelijke"] = "Kies wie verantwoordelijk is."
    opdrachtgever = waarden.get("opdrachtgever", "")
    if opdrachtgever and opdrachtgever not in soort:
        fouten["opdrachtgever"] = "Kies de opdrachtgever uit de lijst."
    if fouten:
        return None, fouten
    return (
        InterventieInvoer(
            omschrijving=waarden.get("omschrijving", ""),
            domein=waarden.get("domein", ""),
            verantwoordelijke_id=uuid.UUID(verantwoordelijke),
            verantwoordelijke_type=soort[verantwoordelijke],
            bevoegdheid=waarden.get("bevoegdheid", ""),
            deadline=datums["deadline"],
            reviewdatum=datums["reviewdatum"],
            opdrachtgever_id=uuid.UUID(opdrachtgever) if opdrachtgever else None,
            opdracht=waarden.get("opdracht") or None,
        ),
        {},
    )


async def plan_sectie(
    scherm: Scherm,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Template:
    """The plan section (``sectie``): its fragment is a logged read of the plan group, in a
    transaction of its own, with the organisations (platform data) read after it."""
    actor = scherm.actor
    async with scherm.db.begin():
        plan = await lees_plan(scherm.db, actor, casus_id)
    organisaties = await organisaties_van_hub(scherm.state.engine, scherm.tenant.id)
    namen = {i: n for i, n, _ in organisaties}
    vandaag = klok.vandaag()
    fragment = Template(
        "casusoverleg/_plan.html",
        context={
            "plan": plan,
            "casus_id": casus_id,
            "domeinen": DOMEINEN,
            "regie": is_regie(actor),
            "namen": namen,
            "te_laat": {
                i.id
                for i in plan.interventies
                if te_laat(status=i.status, deadline=i.deadline, vandaag=vandaag)
            },
            "verantwoordelijken": [
                (
                    i,
                    f"{n} ({soortnaam(t)})"
                    if t in DEELNEMER_TYPES
                    else f"{n} (uitgenodigde partij)",
                )
                for i, n, t in organisaties
            ],
            "deelnemers": [("", "Geen (de verantwoordelijke is een deelnemer)")]
            + [(i, n) for i, n, t in organisaties if t in DEELNEMER_TYPES],
            "statussen": _STATUSSEN,
            "waarden": waarden or {},
            "fouten": fouten or {},
            "melding": melding,
        },
        status_code=200,
    )
    return await scherm.sectie(casus_id, "plan", fragment)


class PlanController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @post("/casussen/{casus_id:uuid}/interventies", name="interventie-toevoegen")
    async def interventie_toevoegen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Interventie, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        pagina = partial(plan_sectie, scherm, casus_id)

        async def actie() -> Template:
            invoer, fouten = interventie_invoer(
                data.waarden(), await organisaties_van_hub(scherm.state.engine, scherm.tenant.id)
            )
            if invoer is None:
                raise RegelFouten(fouten)
            async with scherm.db.begin():
                await voeg_interventie_toe(scherm.db, scherm.actor, casus_id, invoer)
            return await pagina(melding="Interventie toegevoegd aan het plan van aanpak.")

        return await of_opnieuw(
            actie,
            lambda fouten: pagina(waarden=data.waarden(), fouten=fouten),
            standaardveld="omschrijving",
        )

    @post(
        "/casussen/{casus_id:uuid}/interventies/{interventie_id:uuid}", name="interventie-bijwerken"
    )
    async def interventie_bijwerken(
        self,
        casus_id: FromPath[uuid.UUID],
        interventie_id: FromPath[uuid.UUID],
        data: Annotated[InterventieStand, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        veld = f"status-{interventie_id}"
        pagina = partial(plan_sectie, scherm, casus_id)

        async def actie() -> Template:
            review = datumveld(data.reviewdatum, f"reviewdatum-{interventie_id}")
            async with scherm.db.begin():
                await wijzig_interventie(
                    scherm.db,
                    scherm.actor,
                    interventie_id,
                    status=data.status,
                    resultaat=data.resultaat or None,
                    reviewdatum=review,
                )
            return await pagina(melding="Interventie bijgewerkt.")

        # A rule's own field ("status") is the status control of this intervention.
        return await of_opnieuw(
            actie,
            lambda fouten: pagina(fouten={(k if "-" in k else veld): v for k, v in fouten.items()}),
            standaardveld=veld,
        )

    @post("/casussen/{casus_id:uuid}/plan/vaststellen", name="plan-vaststellen")
    async def plan_vaststellen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Vaststelling, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        pagina = partial(plan_sectie, scherm, casus_id)

        async def actie() -> Template:
            async with scherm.db.begin():
                await stel_plan_vast(
                    scherm.db, scherm.actor, casus_id, doel=data.doel, op=klok.vandaag()
                )
            return await pagina(melding="Plan van aanpak vastgesteld.")

        return await of_opnieuw(
            actie,
            lambda fouten: pagina(
                waarden={"plan-doel": data.doel}, fouten={"plan-doel": next(iter(fouten.values()))}
            ),
            standaardveld="plan-doel",
        )
