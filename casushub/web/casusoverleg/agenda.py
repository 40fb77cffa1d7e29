"""Meetings from the casus side and per agenda item: put a casus on the agenda of a meeting of
the municipality's regional casusoverleg, invite a third party for one meeting, minutes per
item with decisions and actions (an action can become an intervention). Attendance is in
``aanwezigheid``, the printable agenda and minutes and the .ics invitation in ``afdrukken``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from casushub.platform import klok
from casushub.tenants.casus.errors import RegelFout
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.exports.rules import ExportDoel
from casushub.tenants.overleg.models import DOELEN
from casushub.tenants.overleg.services import (
    actie_naar_interventie,
    agendapunten_van_casus,
    agendeer,
    lees_agendapunt,
    leg_actie_vast,
    notuleer,
)
from casushub.tenants.plan.rules import DEELNEMER_TYPES, DOMEINEN
from casushub.tenants.uitnodigingen.services import uitnodigingen_van_casus
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijeenkomsten import (
    bijeenkomsten_info,
    gekozen_bijeenkomst,
    komende_bijeenkomsten,
    lees_bijeenkomst,
)
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.namen import organisatienamen, organisaties_van_hub, soortnaam
from casushub.web.casusoverleg.planscherm import (
    Interventie,
    interventie_invoer,
)
from casushub.web.casusoverleg.rollen import REGIE, WERKERS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw

__all__ = ["AgendaController"]

LOKAAL = klok.TIJDZONE

# The only purpose a print of agenda or minutes serves (the export guard checks it).
AFDRUK_DOELEN = [
    ("", "Kies een doel"),
    (ExportDoel.CASUSOVERLEG.value, ExportDoel.CASUSOVERLEG.value),
]


@dataclass
class Agendering(Formulier):
    bijeenkomst: str = ""
    doel: str = ""


@dataclass
class Notulen(Formulier):
    notulen: str = ""


@dataclass
class AgendaActie(Formulier):
    soort: str = ""
    tekst: str = ""


# --- the casus's meetings ------------------------------------------------------------------


async def _bijeenkomsten_fragment(
    scherm: Scherm,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, Any] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    """The casus's agenda items and invitations (tenant, in a transaction of its own), with
    their meetings and the invited organisations' names (platform) read after it."""
    state, db, actor = scherm.state, scherm.db, scherm.actor
    async with db.begin():
        punten = await agendapunten_van_casus(db, actor, casus_id)
        uitnodigingen = await uitnodigingen_van_casus(db, actor, casus_id)
    info = await bijeenkomsten_info(state.engine, {p.bijeenkomst_id for p in punten})
    regie = is_regie(actor)
    context: dict[str, Any] = {
        "casus_id": casus_id,
        "punten": [(p, info.get(p.bijeenkomst_id)) for p in punten],
        "regie": regie,
        "waarden": waarden or {},
        "fouten": fouten or {},
        "melding": melding,
        "doelen": list(DOELEN.items()),
        "tijdzone": LOKAAL,
    }
    alle_info = info | await bijeenkomsten_info(
        state.engine, {u.uitnodiging.bijeenkomst_id for u in uitnodigingen}
    )
    namen = await organisatienamen(
        state.engine, {u.uitnodiging.organisatie_id for u in uitnodigingen}
    )
    context["uitnodigingen"] = [
        (
            u,
            namen.get(str(u.uitnodiging.organisatie_id), "onbekende organisatie"),
            alle_info.get(u.uitnodiging.bijeenkomst_id),
        )
        for u in uitnodigingen
    ]
    if regie:
        async with state.engine.connect() as conn:
            komend = await komende_bijeenkomsten(conn, scherm.tenant.id)
        context["bijeenkomsten"] = [("", "Kies een bijeenkomst")] + [
            (str(b.id), b.omschrijving) for b in komend
        ]
    return Template("casusoverleg/_bijeenkomsten.html", context=context, status_code=status_code)


# --- one agenda item: minutes, decisions, actions -------------------------------------------


async def _agendapunt(
    scherm: Scherm,
    agendapunt_id: uuid.UUID,
    *,
    waarden: dict[str, Any] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    state, actor = scherm.state, scherm.actor
    async with scherm.db.begin():
        weergave = await lees_agendapunt(scherm.db, actor, agendapunt_id)
    organisaties = await organisaties_van_hub(state.engine, scherm.tenant.id)
    return Template(
        "casusoverleg/agendapunt.html",
        context={
            "w": weergave,
            "info": await lees_bijeenkomst(state.engine, weergave.punt.bijeenkomst_id),
            "regie": is_regie(actor),
            "waarden": waarden or {},
            "fouten": fouten or {},
            "domeinen": DOMEINEN,
            "verantwoordelijken": [(i, f"{n} ({soortnaam(t)})") for i, n, t in organisaties],
            "deelnemers": [("", "Geen (de verantwoordelijke is een deelnemer)")]
            + [(i, n) for i, n, t in organisaties if t in DEELNEMER_TYPES],
            "afdruk_doelen": AFDRUK_DOELEN,
            "melding": melding,
        },
        status_code=status_code,
    )


async def _na_agendapunt(
    scherm: Scherm,
    agendapunt_id: uuid.UUID,
    actie: Callable[[], Awaitable[object]],
    melding: str,
    veld: Callable[[str], str],
    waarden: dict[str, Any],
) -> Template:
    """``actie()``, then the item page with ``melding``; a refused rule shows the page again
    with the input kept and the message beside ``veld(field)`` (422)."""

    async def gelukt() -> Template:
        await actie()
        return await _agendapunt(scherm, agendapunt_id, melding=melding)

    async def opnieuw(fouten: dict[str, str]) -> Template:
        return await _agendapunt(
            scherm, agendapunt_id, waarden=waarden, fouten={veld(k): v for k, v in fouten.items()}
        )

    return await of_opnieuw(gelukt, opnieuw, standaardveld="")


class AgendaController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @get("/casussen/{casus_id:uuid}/bijeenkomsten", name="casus-bijeenkomsten", opt=roles(*WERKERS))
    async def casus_bijeenkomsten(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        fragment = await _bijeenkomsten_fragment(scherm, casus_id)
        return await scherm.sectie(casus_id, "bijeenkomsten", fragment)

    @post("/casussen/{casus_id:uuid}/agenderen", name="casus-agenderen")
    async def casus_agenderen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Agendering, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """The procesregisseur picks a meeting of this municipality's casusoverleg."""

        async def pagina(
            fouten: dict[str, str] | None = None, melding: str | None = None
        ) -> Template:
            fragment = await _bijeenkomsten_fragment(
                scherm,
                casus_id,
                waarden=data.waarden() if fouten else None,
                fouten=fouten,
                melding=melding,
            )
            return await scherm.sectie(casus_id, "bijeenkomsten", fragment)

        async def actie() -> Template:
            info = await gekozen_bijeenkomst(
                scherm.state.engine, scherm.tenant.id, data.bijeenkomst
            )
            if info is None:
                raise RegelFout("Kies een bijeenkomst van uw casusoverleg.", "bijeenkomst")
            async with scherm.db.begin():
                await agendeer(
                    scherm.db,
                    scherm.actor,
                    casus_id=casus_id,
                    bijeenkomst_id=info.id,
                    doel=data.doel,
                )
            return await pagina(melding="De casus staat op de agenda.")

        async def opnieuw(fouten: dict[str, str]) -> Template:
            return await pagina(
                {("agenda-doel" if k == "doel" else "bijeenkomst"): v for k, v in fouten.items()}
            )

        return await of_opnieuw(actie, opnieuw, standaardveld="bijeenkomst")

    @get("/agendapunten/{agendapunt_id:uuid}", name="agendapunt", opt=roles(*WERKERS))
    async def agendapunt(
        self, agendapunt_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _agendapunt(scherm, agendapunt_id)

    @post("/agendapunten/{agendapunt_id:uuid}/notulen", name="agendapunt-notulen")
    async def agendapunt_notulen(
        self,
        agendapunt_id: FromPath[uuid.UUID],
        data: Annotated[Notulen, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        async def actie() -> None:
            async with scherm.db.begin():
                await notuleer(scherm.db, scherm.actor, agendapunt_id, data.notulen)

        return await _na_agendapunt(
            scherm,
            agendapunt_id,
            actie,
            "Notulen opgeslagen.",
            lambda _: "notulen",
            data.waarden(),
        )

    @post("/agendapunten/{agendapunt_id:uuid}/acties", name="agendapunt-actie")
    async def agendapunt_actie(
        self,
        agendapunt_id: FromPath[uuid.UUID],
        data: Annotated[AgendaActie, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        async def actie() -> None:
            async with scherm.db.begin():
                await leg_actie_vast(
                    scherm.db, scherm.actor, agendapunt_id, soort=data.soort, tekst=data.tekst
                )

        return await _na_agendapunt(
            scherm,
            agendapunt_id,
            actie,
            "Besluit of actie vastgelegd.",
            lambda veld: "soort" if veld == "soort" else "actie-tekst",
            data.waarden(),
        )

    @post(
        "/agendapunten/{agendapunt_id:uuid}/acties/{actie_id:uuid}/interventie",
        name="actie-interventie",
    )
    async def actie_interventie(
        self,
        agendapunt_id: FromPath[uuid.UUID],
        actie_id: FromPath[uuid.UUID],
        data: Annotated[Interventie, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """An action agreed in the meeting becomes an intervention of the plan."""

        async def actie() -> None:
            invoer, fouten = interventie_invoer(
                data.waarden(), await organisaties_van_hub(scherm.state.engine, scherm.tenant.id)
            )
            if invoer is None:
                raise RegelFout(next(iter(fouten.values())), next(iter(fouten)))
            async with scherm.db.begin():
                await actie_naar_interventie(scherm.db, scherm.actor, actie_id, invoer)

        return await _na_agendapunt(
            scherm,
            agendapunt_id,
            actie,
            "De actie is als interventie aan het plan van aanpak toegevoegd.",
            lambda veld: veld or "omschrijving",
            data.waarden() | {"actie_id": str(actie_id)},
        )
