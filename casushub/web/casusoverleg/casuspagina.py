"""The casus page: a summary that fits the first screen and one section per URL.

Each section (overzicht, informatie, plan van aanpak, betrokkenen, bijeenkomsten en
uitnodigingen, verloop) is its own page under the casus, with the summary and the section
navigation above it. The section's own content is a fragment: an htmx request (a form posted
inside the section) gets the fragment alone, any other request the whole page, so every
section and every form in it also works without JavaScript.

Every data group is still its own logged read: the summary reads the casus and its agenda,
each section its own group.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.rules import Status
from casushub.tenants.casus.services import CasusRegel
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.casus.verloop import Samenvatting, samenvatting
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.overleg.services import agendapunten_van_casus
from casushub.web.casusoverleg.bijeenkomsten import bijeenkomsten_op
from casushub.web.casusoverleg.namen import gemeentenamen

__all__ = ["SECTIES", "Actie", "Kop", "Sectie", "casus_acties", "casus_kop", "lees_kop", "sectie"]


@dataclass(frozen=True, slots=True)
class Sectie:
    naam: str
    label: str
    pad: str  # below /casusoverleg/casussen/{id}; "" is the overview

    def href(self, casus_id: uuid.UUID) -> str:
        return f"/casusoverleg/casussen/{casus_id}" + (f"/{self.pad}" if self.pad else "")


SECTIES = (
    Sectie("overzicht", "Overzicht", ""),
    Sectie("informatie", "Informatie", "informatie"),
    Sectie("plan", "Plan van aanpak", "plan"),
    Sectie("maatregelen", "Maatregelen van de minister", "maatregelen"),
    Sectie("derden", "Betrokkenen", "derden"),
    Sectie("bijeenkomsten", "Bijeenkomsten en uitnodigingen", "bijeenkomsten"),
    Sectie("verloop", "Verloop", "verloop"),
    Sectie("rechten", "Bewaarplicht en rechten", "rechten"),
)
_PER_NAAM = {s.naam: s for s in SECTIES}


@dataclass(frozen=True, slots=True)
class Actie:
    """A link in the casus's action list: to a page that says what will happen first."""

    label: str
    href: str
    uitleg: str


def casus_acties(casus: CasusRegel, actor: Actor) -> list[Actie]:
    """The legal and destructive actions this actor may start on this casus. A list of links,
    so another screen's action (e.g. a legal hold) is one more entry."""
    if not is_regie(actor):
        return []
    basis = f"/casusoverleg/casussen/{casus.casus_id}"
    if casus.status == Status.AFGESLOTEN:
        return [
            Actie(
                "Casus heropenen",
                f"{basis}/heropenen",
                "Draait de afsluiting terug, alleen kort na het afsluiten.",
            )
        ]
    return [
        Actie(
            "Herbeoordeling vastleggen",
            f"{basis}/herbeoordeling",
            "De noodzaaktoets aan de vijf criteria; verschuift de volgende noodzaaktoets.",
        ),
        Actie(
            "Verhuizing vastleggen",
            f"{basis}/verhuizing",
            "Een nieuwe gemeente van verblijf; het contactpunt verhuist mee.",
        ),
        Actie(
            "Casus afsluiten",
            f"{basis}/afsluiten",
            "Met reden en datum; daarmee gaat de bewaartermijn lopen.",
        ),
    ]


@dataclass(frozen=True, slots=True)
class Kop:
    """The tenant part of the summary above every section (both logged reads)."""

    samenvatting: Samenvatting
    punten: list[Agendapunt]


async def lees_kop(
    request: Request[Any, Any, Any], db: AsyncSession, actor: Actor, casus_id: uuid.UUID
) -> Kop | None:
    """The summary's tenant reads, in the caller's transaction, so a section page is one
    transaction; None when htmx asks for the section alone (nothing read, nothing logged)."""
    if _fragment_gevraagd(request):
        return None
    return await _lees_kop(db, actor, casus_id)


async def _lees_kop(db: AsyncSession, actor: Actor, casus_id: uuid.UUID) -> Kop:
    return Kop(
        await samenvatting(db, actor, casus_id, doel="casusoverleg"),
        await agendapunten_van_casus(db, actor, casus_id),
    )


async def casus_kop(state: State, kop: Kop, actor: Actor) -> dict[str, Any]:
    """The summary's context: the tenant part and the platform's names, read after the
    tenant transaction (one pooled connection at a time, casushub.platform.een_verbinding)."""
    casus = kop.samenvatting.casus
    async with state.engine.connect() as conn:
        info = await bijeenkomsten_op(conn, {p.bijeenkomst_id for p in kop.punten})
        namen = await gemeentenamen(
            conn, (kop.samenvatting.regie_gemeente, casus.gemeente_van_verblijf)
        )
    op_agenda = sorted(
        (info[p.bijeenkomst_id] for p in kop.punten if p.bijeenkomst_id in info),
        key=lambda b: b.begint_op,
    )
    return {
        "casus": casus,
        "regie_gemeente": namen.naam(kop.samenvatting.regie_gemeente),
        "verblijf_gemeente": namen.naam(casus.gemeente_van_verblijf),
        "inzage_beperkt": kop.samenvatting.inzage_beperkt,
        "op_agenda": op_agenda,
        "secties": SECTIES,
        "acties": casus_acties(casus, actor),
        "regie": is_regie(actor),
    }


def _fragment_gevraagd(request: Request[Any, Any, Any]) -> bool:
    # A boosted link or form wants a whole page; a request from inside a section its part.
    return bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted")


async def sectie(
    request: Request[Any, Any, Any],
    state: State,
    db: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    naam: str,
    fragment: Template,
    kop: Kop | None = None,
) -> Template:
    """``fragment`` alone for htmx, else the casus page with it as section ``naam``. Call
    after the request's transaction, with the ``kop`` read in it (``lees_kop``); without one,
    the summary is read in a transaction of its own."""
    if _fragment_gevraagd(request):
        return fragment
    if kop is None:
        async with db.begin():
            kop = await _lees_kop(db, actor, casus_id)
    context = dict(fragment.context)
    context.update(await casus_kop(state, kop, actor))
    context |= {"fragment": fragment.template_name, "sectie": _PER_NAAM[naam]}
    return Template(
        "casusoverleg/casus.html", context=context, status_code=fragment.status_code or 200
    )
