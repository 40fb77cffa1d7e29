"""The decision screen per type of request, which records one decision for all joint
controllers and carries it out; lifting the hold of a restriction or objection; and the page
where a recipient of a corrected value reads the correction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.fouten import RegelFout, RegelFouten
from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.verzoeken import (
    afhandeling,
    consultaties,
    rectificatie,
    uitvoering,
    verzoek,
)
from casushub.tenants.verzoeken.beperkingen import actieve_beperkingen, grond_tekst
from casushub.tenants.verzoeken.rules import Besluituitkomst, VerzoekType
from casushub.tenants.verzoeken.verzoek import VerzoekNietGevonden
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.contactpunt.common import (
    KORTE_SOORT,
    STAF,
    STAF_DEPS,
    TAKEN,
    bevestig,
    datum_nl,
    organisatienamen,
    waarden_van,
)
from casushub.web.formulieren import FORMULIER, Formulier, of_opnieuw, veldfouten

__all__ = ["besluit_handlers"]


@dataclass
class Besluitformulier(Formulier):
    uitkomst: str = ""
    gegeven: str = ""
    nieuwe_waarde: str = ""
    motivering: str = ""


@dataclass
class Opheffing(Formulier):
    reden: str = ""


# A rule's field -> the decision form's field that shows its message.
_BESLUITVELD = {"veld": "gegeven", "persoon": "uitkomst"}
UITKOMST_KEUZES = [
    (Besluituitkomst.TOEGEWEZEN.value, "Toewijzen"),
    (Besluituitkomst.DEELS_TOEGEWEZEN.value, "Deels toewijzen"),
    (Besluituitkomst.AFGEWEZEN.value, "Afwijzen"),
]
# What a granted decision does, said before the officer confirms it.
GEVOLG = {
    VerzoekType.INZAGE.value: (
        "Na het besluit maakt u de inzage voor de betrokkene als PDF en als JSON. Gegevens "
        "met een geldende beperking van inzage blijven daarbuiten; het besluit telt ze."
    ),
    VerzoekType.RECTIFICATIE.value: (
        "Het gekozen gegeven wordt verbeterd; de oude waarde blijft bewaard in de "
        "geschiedenis. Iedereen die de oude waarde ontving, krijgt bericht (zonder "
        "persoonsgegevens in de e-mail)."
    ),
    VerzoekType.VERWIJDERING.value: (
        "Alles over deze persoon wordt direct vernietigd, op dezelfde manier als bij het "
        "verlopen van de bewaartermijn, met een vernietigingsbewijs zonder persoonsgegevens. "
        "Dit kan niet ongedaan worden gemaakt."
    ),
    VerzoekType.BEPERKING.value: (
        "De gegevens van deze persoon worden geblokkeerd: ze worden bewaard en niet "
        "vernietigd tot u de beperking op de pagina van het verzoek opheft."
    ),
    VerzoekType.BEZWAAR.value: (
        "De gegevens van deze persoon worden geblokkeerd: ze worden bewaard en niet "
        "vernietigd tot u de blokkade op de pagina van het verzoek opheft."
    ),
}


async def _context(
    db: AsyncSession, actor: Actor, state: State, verzoek_id: uuid.UUID
) -> dict[str, Any]:
    """The decision page's context: the tenant's reads (a logged read) in a transaction of
    their own, the platform's names after it (casushub.platform.een_verbinding)."""
    async with db.begin():
        found = await verzoek.gelezen(db, actor, verzoek_id, ";besluit")
        persoon = await verzoek.betrokkene(db, found)
        taken_ = await consultaties.consultaties(db, found.id)
        beperkingen = await actieve_beperkingen(db, found.persoon_id) if found.persoon_id else []
        gegevens = (
            await rectificatie.verbeterbare_gegevens(db, found.persoon_id)
            if found.persoon_id and found.type == VerzoekType.RECTIFICATIE
            else []
        )
        omvang = (
            await uitvoering.omvang(db, found.persoon_id)
            if found.persoon_id and found.type == VerzoekType.VERWIJDERING
            else None
        )
    namen = await organisatienamen(state, {b.gevraagd_door_organisatie for b in beperkingen})
    return {
        "v": found,
        "korte_soort": KORTE_SOORT.get(found.type, found.type),
        "termijn": datum_nl(found.termijn),
        "persoon": persoon,
        "onbekend": found.persoon_onbekend_op is not None and persoon is None,
        "open": found.status in {"ontvangen", "in_behandeling"},
        "nog_open": [t for t in taken_ if t.antwoord is None],
        "aantal_raadplegingen": len(taken_),
        "beperkingen": [
            {
                "grond": grond_tekst(b.grond),
                "door": namen.get(b.gevraagd_door_organisatie, "Onbekende organisatie"),
            }
            for b in beperkingen
        ],
        "gegevens": [
            ("", "Kies het gegeven"),
            *((g.sleutel, f"{g.omschrijving}: {g.huidig or '(leeg)'}") for g in gegevens),
        ],
        "omvang": omvang,
        "gevolg": GEVOLG.get(found.type, ""),
        "uitkomsten": UITKOMST_KEUZES,
    }


async def _pagina(
    db: AsyncSession,
    actor: Actor,
    state: State,
    verzoek_id: uuid.UUID,
    *,
    fouten: dict[str, str] | None = None,
    waarden: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template | Redirect:
    context = await _context(db, actor, state, verzoek_id)
    if not context["open"]:
        return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)
    context.update(fouten=fouten or {}, waarden=waarden or {})
    return Template("contactpunt/besluit.html", context=context, status_code=status_code)


def _correctie(waarden: dict[str, str]) -> afhandeling.Correctie | None:
    soort, _, rest = waarden.get("gegeven", "").partition(":")
    raw_id, _, veld = rest.partition(":")
    try:
        item_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    return afhandeling.Correctie(soort, item_id, veld, waarden.get("nieuwe_waarde", ""))


def _bevestiging(uitkomst: str, waarden: dict[str, str]) -> str:
    if uitkomst == Besluituitkomst.AFGEWEZEN:
        return "Het besluit is vastgelegd: het verzoek is afgewezen."
    return "Het besluit is vastgelegd en uitgevoerd."


ALLE_TENANTROLLEN = (
    Role.GEMEENTE_REGIE,
    Role.PROCESREGISSEUR,
    Role.CONTACTPUNT,
    Role.PARTICIPANT,
    Role.INVITED_PARTY,
    Role.FG_AUDITOR,
)


class BesluitController(Controller):
    """The decision, the lifted hold and the corrections passed on."""

    path = "/contactpunt-taken"
    opt = roles(*STAF)
    dependencies = STAF_DEPS

    @get("/verzoek/{verzoek_id:uuid}/besluit", name="contactpunt-besluit-pagina")
    async def besluit_pagina(
        self,
        verzoek_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        state, db, actor = scherm.state, scherm.db, scherm.actor
        return await _pagina(db, actor, state, verzoek_id)

    @post("/verzoek/{verzoek_id:uuid}/besluit", name="contactpunt-besluit")
    async def besluit_nemen(
        self,
        verzoek_id: FromPath[uuid.UUID],
        data: Annotated[Besluitformulier, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Record the one decision for all joint controllers and carry it out.

        A refusal comes back on the decision page, or, when the request is no longer open, on
        the request's page (so not through ``of_opnieuw``, which answers with the form only)."""
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        waarden = waarden_van(data)
        try:
            try:
                uitkomst = Besluituitkomst(waarden["uitkomst"])
            except ValueError:
                raise RegelFouten(
                    {"uitkomst": "Kies het besluit: toewijzen, deels toewijzen of afwijzen."}
                ) from None
            try:
                async with db.begin():
                    besluit = await afhandeling.beslis_en_voer_uit(
                        db,
                        actor,
                        verzoek_id,
                        uitkomst=uitkomst,
                        motivering=waarden["motivering"],
                        correctie=_correctie(waarden),
                    )
            except VerzoekNietGevonden as exc:
                if exc.message == "Dit verzoek bestaat niet (meer).":
                    raise
                raise RegelFouten({"gegeven": exc.message}) from exc
        except RegelFout as fout:
            fouten = {_BESLUITVELD.get(k, k): v for k, v in veldfouten(fout, "motivering").items()}
            return await _pagina(
                db, actor, state, verzoek_id, fouten=fouten, waarden=waarden, status_code=422
            )
        bevestig(request, _bevestiging(besluit.uitkomst, waarden))
        return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)

    @post("/verzoek/{verzoek_id:uuid}/opheffen", name="contactpunt-blokkade-opheffen")
    async def blokkade_opheffen(
        self,
        verzoek_id: FromPath[uuid.UUID],
        data: Annotated[Opheffing, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Lift the hold of a granted restriction or objection; destruction resumes its schedule."""
        request, state, db, actor = scherm.request, scherm.state, scherm.db, scherm.actor
        from casushub.web.contactpunt.verzoekscherm import detail_pagina

        reden = waarden_van(data)["reden"]

        async def actie() -> Redirect:
            async with db.begin():
                await afhandeling.hef_verwerkingsbeperking_op(db, actor, verzoek_id, reden=reden)
            bevestig(request, "De blokkade is opgeheven. De bewaartermijn loopt weer.")
            return Redirect(f"{TAKEN}/verzoek/{verzoek_id}", status_code=303)

        return await of_opnieuw(
            actie,
            # On the request's page the reason has a field of its own.
            lambda fouten: detail_pagina(
                db,
                actor,
                state,
                verzoek_id,
                fouten={"opheffen_reden": " ".join(fouten.values())},
                waarden={"opheffen_reden": reden},
            ),
            standaardveld="reden",
        )

    @get(
        "/rectificatie/{rectificatie_id:uuid}",
        name="contactpunt-rectificatie",
        opt=roles(*ALLE_TENANTROLLEN),
    )
    async def rectificatie_pagina(
        self,
        rectificatie_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """A recipient of the old value reads the correction (the link in its e-mail)."""
        db, actor = scherm.db, scherm.actor
        async with db.begin():
            correctie = await rectificatie.rectificatie_voor(db, actor, rectificatie_id)
        return Template(
            "contactpunt/rectificatie.html",
            context={
                "c": correctie,
                "op": datum_nl(correctie.gecorrigeerd_op.date()),
                "wat": rectificatie.OMSCHRIJVING.get(
                    (correctie.item_soort, correctie.veld), correctie.veld
                ),
            },
        )

    @get("/verbeteringen", name="contactpunt-verbeteringen", opt=roles(*ALLE_TENANTROLLEN))
    async def verbeteringen(
        self, db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
    ) -> Template:
        """The corrections passed on to the signed-in user or their organisation."""
        async with db.begin():
            lijst = await rectificatie.mijn_verbeteringen(db, actor)
        return Template(
            "contactpunt/verbeteringen.html",
            context={
                "rijen": [
                    {
                        "id": c.id,
                        "wat": rectificatie.OMSCHRIJVING.get((c.item_soort, c.veld), c.veld),
                        "op": datum_nl(c.gecorrigeerd_op.date()),
                        "gelezen": status == "gelezen",
                    }
                    for c, status in lijst
                ]
            },
        )


besluit_handlers: list[Any] = [BesluitController]
