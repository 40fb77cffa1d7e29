"""The course of a casus: its history (what happened, who did it), the status moves on its
overview, the linked persons (betrokkenen), and the hand-over of a casus after a move.

Every write goes through the casus services (need-to-know, rules, access log in the same
transaction); a refused rule re-renders the section with the input kept and the error inline.
The legal and destructive actions have their own pages (casushub.web.casusoverleg.acties).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
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
from casushub.web.casusoverleg.casuspagina import sectie
from casushub.web.casusoverleg.deps import DEPS, datum
from casushub.web.casusoverleg.namen import gebruikersnamen, organisatienamen
from casushub.web.meldingen import meld

__all__ = ["overzicht_fragment", "verloop_handlers"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
WERKERS = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT)
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
_ZONE = klok.TIJDZONE

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


@get(
    "/casusoverleg/casussen/{casus_id:uuid}",
    name="casus",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_pagina(
    casus_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        fragment = await overzicht_fragment(db, actor, casus_id)
    return await sectie(request, state, db, actor, casus_id, "overzicht", fragment)


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/verloop",
    name="casus-verloop",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_verloop(
    casus_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        _, gebeurtenissen = await geschiedenis(db, actor, casus_id)
    # The names (platform) after the tenant transaction: one pooled connection at a time.
    regels = await _regels(state, gebeurtenissen)
    fragment = Template("casusoverleg/_geschiedenis.html", context={"regels": regels})
    return await sectie(request, state, db, actor, casus_id, "verloop", fragment)


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


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/status",
    name="casus-status",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def casus_status(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template | Redirect:
    naar = str(data.get("naar", ""))
    try:
        if not naar:
            raise RegelFout("Kies de nieuwe status.", "status")
        async with db.begin():
            await wijzig_status(db, actor, casus_id, naar)
    except RegelFout as fout:
        async with db.begin():
            fragment = await overzicht_fragment(
                db,
                actor,
                casus_id,
                waarden={"naar": naar},
                fouten={"status-keuze": fout.message},
                status_code=422,
            )
        return await sectie(request, state, db, actor, casus_id, "overzicht", fragment)
    meld(request, f"Status gewijzigd: de casus is nu '{naar}'.")
    return Redirect(f"/casusoverleg/casussen/{casus_id}", status_code=303)


async def _derden(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
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
        status_code=status_code,
    )


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/derden",
    name="casus-derden",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_derden(
    casus_id: FromPath[uuid.UUID],
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    async with db.begin():
        fragment = await _derden(db, actor, casus_id)
    return await sectie(request, state, db, actor, casus_id, "derden", fragment)


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/derden",
    name="casus-derde-toevoegen",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_derde_toevoegen(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    request: Request[Any, Any, Any],
    state: State,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    """A linked person (parent, sibling, partner): same access scope and retention."""
    waarden = {k: str(data.get(k, "")) for k in ("derde_naam", "relatie", "derde_geboortedatum")}
    try:
        try:
            geboren = datum(waarden["derde_geboortedatum"])
        except ValueError:
            raise RegelFout("Vul een datum in als dd-mm-jjjj.", "derde_geboortedatum") from None
        async with db.begin():
            await voeg_derde_toe(
                db,
                actor,
                casus_id=casus_id,
                naam=waarden["derde_naam"],
                relatie=waarden["relatie"],
                geboortedatum=geboren,
            )
    except RegelFout as fout:
        veld = {"naam": "derde_naam"}.get(fout.field or "", fout.field or "derde_naam")
        async with db.begin():
            fragment = await _derden(db, actor, casus_id, waarden, {veld: fout.message}, None, 422)
        return await sectie(request, state, db, actor, casus_id, "derden", fragment)
    async with db.begin():
        fragment = await _derden(
            db, actor, casus_id, melding=f"Betrokken persoon {waarden['derde_naam']} toegevoegd."
        )
    return await sectie(request, state, db, actor, casus_id, "derden", fragment)


@post(
    "/casusoverleg/overdrachten/{melding_id:uuid}/afgehandeld",
    name="overdracht-afgehandeld",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def overdracht_afgehandeld(
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


verloop_handlers = [
    overdracht_afgehandeld,
    casus_pagina,
    casus_verloop,
    casus_status,
    casus_derden,
    casus_derde_toevoegen,
]
