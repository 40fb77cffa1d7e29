"""The course of a casus: its history (what happened, who did it), the status moves on its
overview, the linked persons (betrokkenen), and the hand-over of a casus after a move.

Every write goes through the casus services (need-to-know, rules, access log in the same
transaction); a refused rule re-renders the section with the input kept and the error inline.
The legal and destructive actions have their own pages (casushub.web.casusoverleg.acties).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.crosstenant.overdracht import rond_overdracht_af
from casushub.platform import klok
from casushub.platform.identity.roles import ROLE_LABELS, Role
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden, RegelFout
from casushub.tenants.casus.rules import Status
from casushub.tenants.casus.services import wijzig_status
from casushub.tenants.casus.toegang import controleer_casus_toegang, laad_casus
from casushub.tenants.casus.verloop import Gebeurtenis, geschiedenis
from casushub.tenants.personen.services import lees_derden, voeg_derde_toe
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.namen import gebruikersnamen, organisatienamen
from casushub.web.casusoverleg.rollen import REGIE, WERKERS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, datumveld, of_opnieuw
from casushub.web.meldingen import meld

__all__ = ["VerloopController", "overzicht_fragment"]

_ZONE = klok.TIJDZONE


@dataclass
class Statuswissel(Formulier):
    naar: str = ""


@dataclass
class Derde(Formulier):
    derde_naam: str = ""
    relatie: str = ""
    derde_geboortedatum: str = ""


# The moves the overview offers from each status; closing has its own page (reason, date).
_VOLGENDE = {
    Status.AANGEMELD: [(Status.LOPEND.value, "Start aanpak (lopend)")],
    Status.LOPEND: [(Status.MONITOREN.value, "Naar monitoren")],
    Status.MONITOREN: [(Status.LOPEND.value, "Terug naar lopend")],
    Status.AFGESLOTEN: [],
}


async def overzicht_fragment(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    # The summary above it is the logged read of the casus; this only needs its status.
    casus = await laad_casus(db, casus_id)
    await controleer_casus_toegang(db, actor, casus)
    return Template(
        "casusoverleg/_overzicht.html",
        context={
            "volgende": _VOLGENDE.get(Status(casus.status), []),
            "waarden": waarden or {},
            "fouten": fouten or {},
        },
        status_code=status_code,
    )


async def _regels(state: State, gebeurtenissen: list[Gebeurtenis]) -> list[dict[str, str]]:
    """When, what and who (name, organisation, role): names, never ids."""
    gebruikers = await gebruikersnamen(
        state.engine, {g.user_id for g in gebeurtenissen if g.user_id}
    )
    organisaties = await organisatienamen(
        state.engine, {g.organisatie_id for g in gebeurtenissen if g.organisatie_id}
    )
    regels = []
    for g in gebeurtenissen:
        if g.user_id is None:
            wie = "casushub (automatisch)"
        else:
            wie = gebruikers.get(str(g.user_id), "onbekende gebruiker")
            org = organisaties.get(str(g.organisatie_id)) if g.organisatie_id else None
            rol = ROLE_LABELS.get(Role(g.rol)) if g.rol in set(Role) else None
            wie += "".join(f", {deel}" for deel in (org, rol) if deel)
        regels.append(
            {
                "tijd": g.tijdstip.astimezone(_ZONE).strftime("%d-%m-%Y %H:%M"),
                "wat": g.wat,
                "wie": wie,
            }
        )
    return regels


async def _derden(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Template:
    derden = await lees_derden(db, actor, casus_id)
    return Template(
        "casusoverleg/_derden.html",
        context={
            "derden": derden,
            "casus_id": casus_id,
            "waarden": waarden or {},
            "fouten": fouten or {},
            "melding": melding,
        },
        status_code=200,
    )


class VerloopController(CasusoverlegBasis):
    opt = roles(*WERKERS)

    @get("/casussen/{casus_id:uuid}", name="casus")
    async def casus_pagina(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await scherm.gelezen_sectie(casus_id, "overzicht", overzicht_fragment)

    @get("/casussen/{casus_id:uuid}/verloop", name="casus-verloop")
    async def casus_verloop(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        async with scherm.db.begin():
            _, gebeurtenissen = await geschiedenis(scherm.db, scherm.actor, casus_id)
            kop = await scherm.kop(casus_id)
        # The names (platform) after the tenant transaction: one pooled connection at a time.
        regels = await _regels(scherm.state, gebeurtenissen)
        fragment = Template("casusoverleg/_geschiedenis.html", context={"regels": regels})
        return await scherm.sectie(casus_id, "verloop", fragment, kop)

    @post("/casussen/{casus_id:uuid}/status", name="casus-status", opt=roles(*REGIE))
    async def casus_status(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Statuswissel, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        db, actor = scherm.db, scherm.actor

        async def actie() -> Redirect:
            if not data.naar:
                raise RegelFout("Kies de nieuwe status.", "status")
            async with db.begin():
                await wijzig_status(db, actor, casus_id, data.naar)
            return scherm.terug(
                f"/casusoverleg/casussen/{casus_id}",
                f"Status gewijzigd: de casus is nu '{data.naar}'.",
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            async with db.begin():
                fragment = await overzicht_fragment(
                    db,
                    actor,
                    casus_id,
                    waarden=data.waarden(),
                    fouten={"status-keuze": next(iter(fouten.values()))},
                )
            return await scherm.sectie(casus_id, "overzicht", fragment)

        return await of_opnieuw(actie, opnieuw, standaardveld="status-keuze")

    @get("/casussen/{casus_id:uuid}/derden", name="casus-derden")
    async def casus_derden(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await scherm.gelezen_sectie(casus_id, "derden", _derden)

    @post("/casussen/{casus_id:uuid}/derden", name="casus-derde-toevoegen")
    async def casus_derde_toevoegen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Derde, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template:
        """A linked person (parent, sibling, partner): same access scope and retention."""
        db, actor = scherm.db, scherm.actor

        async def pagina(
            fouten: dict[str, str] | None = None, melding: str | None = None
        ) -> Template:
            async with db.begin():
                fragment = await _derden(
                    db, actor, casus_id, data.waarden() if fouten else None, fouten, melding
                )
            return await scherm.sectie(casus_id, "derden", fragment)

        async def actie() -> Template:
            geboren = datumveld(data.derde_geboortedatum, "derde_geboortedatum")
            async with db.begin():
                await voeg_derde_toe(
                    db,
                    actor,
                    casus_id=casus_id,
                    naam=data.derde_naam,
                    relatie=data.relatie,
                    geboortedatum=geboren,
                )
            return await pagina(melding=f"Betrokken persoon {data.derde_naam} toegevoegd.")

        async def opnieuw(fouten: dict[str, str]) -> Template:
            return await pagina(
                {("derde_naam" if k == "naam" else k): v for k, v in fouten.items()}
            )

        return await of_opnieuw(actie, opnieuw, standaardveld="derde_naam")

    @post(
        "/overdrachten/{melding_id:uuid}/afgehandeld",
        name="overdracht-afgehandeld",
        opt=roles(*REGIE),
    )
    async def overdracht_afgehandeld(
        self,
        melding_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        state: State,
        tenant: NamedDependency[TenantRef],
        actor: NamedDependency[Actor],
    ) -> Redirect:
        """The receiving municipality has taken the casus over from the sending one."""
        gevonden = await rond_overdracht_af(state.engine, actor, tenant.id, melding_id)
        if not gevonden:
            raise NietGevonden("Deze overdracht bestaat niet (meer).")
        meld(request, "Overdracht afgehandeld.")
        return Redirect("/casusoverleg", status_code=303)
