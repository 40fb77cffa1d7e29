"""The course of a casus on its page: status changes, the periodic necessity review against
the five criteria, closure (reason, date, destruction date) and reopening within the period,
a move of the gemeente van verblijf, and the linked persons (derden).

Every write goes through the casus services (need-to-know, rules, access log in the same
transaction); a refused rule re-renders the fragment with the input kept and the error inline.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.platform.overdracht import meld_overdracht, rond_overdracht_af
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, NietGevonden, RegelFout
from casushub.tenants.casus.rules import Status
from casushub.tenants.casus.services import (
    heropen,
    lees_casus,
    sluit_af,
    verhuis,
    wijzig_status,
)
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.personen.services import lees_derden, voeg_derde_toe
from casushub.tenants.weging.rules import CRITERIA
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.context import weigering
from casushub.web.casusoverleg.deps import DEPS, datum
from casushub.web.casusoverleg.weging import KEUZE_BEOORDELING
from casushub.web.casusoverleg.weigeringen import als_http

__all__ = ["verloop_handlers"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
WERKERS = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.PARTICIPANT)
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)

# The moves a screen offers from each status; closing has its own form (reason and date).
_VOLGENDE = {
    Status.AANGEMELD: [(Status.LOPEND, "Start aanpak (lopend)")],
    Status.LOPEND: [(Status.MONITOREN, "Naar monitoren")],
    Status.MONITOREN: [(Status.LOPEND, "Terug naar lopend")],
    Status.AFGESLOTEN: [],
}


async def _verloop(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    waarden: dict[str, Any] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status_code: int = 200,
) -> Template:
    casus = await lees_casus(db, actor, casus_id, doel="verloop casus")
    vandaag = date.today().strftime("%d-%m-%Y")
    return Template(
        "casusoverleg/_verloop.html",
        context={
            "casus": casus,
            "regie": is_regie(actor),
            "volgende": _VOLGENDE.get(Status(casus.status), []),
            "criteria": CRITERIA,
            "beoordelingen": KEUZE_BEOORDELING,
            "waarden": {
                "herbeoordeling_datum": vandaag,
                "afsluit_datum": vandaag,
                "verhuis_datum": vandaag,
            }
            | (waarden or {}),
            "fouten": fouten or {},
            "melding": melding,
        },
        status_code=status_code,
    )


@get(
    "/casusoverleg/casussen/{casus_id:uuid}/verloop",
    name="casus-verloop",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_verloop(
    casus_id: FromPath[uuid.UUID], db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> Template:
    async with als_http(), db.begin():
        return await _verloop(db, actor, casus_id)


async def _na_schrijven(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    fout: RegelFout | None,
    veld: str,
    waarden: dict[str, Any],
    melding: str,
) -> Template:
    async with als_http(), db.begin():
        if fout is not None:
            return await _verloop(
                db, actor, casus_id, waarden=waarden, fouten={veld: fout.message}, status_code=422
            )
        return await _verloop(db, actor, casus_id, melding=melding)


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/status",
    name="casus-status",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def casus_status(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    naar = str(data.get("naar", ""))
    try:
        async with als_http(), db.begin():
            await wijzig_status(db, actor, casus_id, naar)
    except RegelFout as fout:
        return await _na_schrijven(db, actor, casus_id, fout, "status-keuze", {}, "")
    return await _na_schrijven(db, actor, casus_id, None, "", {}, f"De status is nu '{naar}'.")


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/afsluiten",
    name="casus-afsluiten",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def casus_afsluiten(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    waarden = {k: str(data.get(k, "")) for k in ("afsluit_reden", "afsluit_datum")}
    try:
        try:
            op = datum(waarden["afsluit_datum"])
        except ValueError:
            raise RegelFout("Vul een datum in als dd-mm-jjjj.", "datum") from None
        async with als_http(), db.begin():
            await sluit_af(db, actor, casus_id, reden=waarden["afsluit_reden"], datum=op)
    except RegelFout as fout:
        veld = {"reden": "afsluit_reden", "datum": "afsluit_datum"}.get(
            fout.field or "", "afsluit_reden"
        )
        return await _na_schrijven(db, actor, casus_id, fout, veld, waarden, "")
    return await _na_schrijven(db, actor, casus_id, None, "", {}, "De casus is afgesloten.")


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/heropenen",
    name="casus-heropenen",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def casus_heropenen(
    casus_id: FromPath[uuid.UUID],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    try:
        async with als_http(), db.begin():
            await heropen(db, actor, casus_id)
    except RegelFout as fout:
        return await _na_schrijven(db, actor, casus_id, fout, "heropenen", {}, "")
    return await _na_schrijven(db, actor, casus_id, None, "", {}, "De casus is heropend.")


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/verhuizing",
    name="casus-verhuizing",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def casus_verhuizing(
    casus_id: FromPath[uuid.UUID],
    data: Form,
    state: State,
    tenant: NamedDependency[TenantRef],
    db: NamedDependency[AsyncSession],
    actor: NamedDependency[Actor],
) -> Template:
    waarden = {k: str(data.get(k, "")) for k in ("naar_gemeente", "verhuis_datum")}
    try:
        try:
            op = datum(waarden["verhuis_datum"])
        except ValueError:
            raise RegelFout("Vul een datum in als dd-mm-jjjj.", "verhuis_datum") from None
        if op is None:
            raise RegelFout("Vul de datum van de verhuizing in.", "verhuis_datum")
        async with als_http():
            async with db.begin():
                taak = await verhuis(
                    db, actor, casus_id, naar_gemeente=waarden["naar_gemeente"], datum=op
                )
            # The new municipality sees the task when it is on the hub (a platform-level notice).
            naar = await meld_overdracht(
                state.engine, state.settings, actor, van=tenant, taak_id=taak.id
            )
    except RegelFout as fout:
        veld = "verhuis_datum" if fout.field == "verhuis_datum" else "naar_gemeente"
        return await _na_schrijven(db, actor, casus_id, fout, veld, waarden, "")
    return await _na_schrijven(
        db,
        actor,
        casus_id,
        None,
        "",
        {},
        "De verhuizing is vastgelegd; er staat een overdrachtstaak klaar"
        + (
            " en de nieuwe gemeente ziet die op haar overzicht."
            if naar is not None
            else ". De nieuwe gemeente werkt niet op deze hub: draag de casus buiten het "
            "platform over."
        ),
    )


async def _derden(
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
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
        },
        status_code=status_code,
    )


@post(
    "/casusoverleg/casussen/{casus_id:uuid}/derden",
    name="casus-derde-toevoegen",
    opt=roles(*WERKERS),
    dependencies=DEPS,
)
async def casus_derde_toevoegen(
    casus_id: FromPath[uuid.UUID],
    data: Form,
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
        async with als_http(), db.begin():
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
        async with als_http(), db.begin():
            return await _derden(db, actor, casus_id, waarden, {veld: fout.message}, 422)
    async with db.begin():
        return await _derden(db, actor, casus_id)


@post(
    "/casusoverleg/overdrachten/{melding_id:uuid}/afgehandeld",
    name="overdracht-afgehandeld",
    opt=roles(*REGIE),
    dependencies=DEPS,
)
async def overdracht_afgehandeld(
    melding_id: FromPath[uuid.UUID],
    state: State,
    tenant: NamedDependency[TenantRef],
    actor: NamedDependency[Actor],
) -> Redirect:
    """The receiving municipality has taken the casus over from the sending one."""
    try:
        gevonden = await rond_overdracht_af(state.engine, actor, tenant.id, melding_id)
    except GeenToegang as exc:
        raise weigering(exc) from exc
    if not gevonden:
        raise weigering(NietGevonden("Deze overdracht bestaat niet (meer)."))
    return Redirect("/casusoverleg", status_code=303)


verloop_handlers = [
    overdracht_afgehandeld,
    casus_verloop,
    casus_status,
    casus_afsluiten,
    casus_heropenen,
    casus_verhuizing,
    casus_derde_toevoegen,
]
