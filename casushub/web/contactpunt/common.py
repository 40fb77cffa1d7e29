"""What the contactpunt's public and staff screens share: dates as people read them, the
signed-in actor, dependencies and the Dutch texts for types and statuses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar import Request
from litestar.datastructures import State

from casushub.platform import klok
from casushub.platform.hub.gemeenten import gemeenten_op_hub
from casushub.platform.identity.organisations import organisatienamen as namen_van_organisaties
from casushub.platform.identity.roles import Role
from casushub.tenants.verzoeken.bevestiging import datum_voluit
from casushub.tenants.verzoeken.rules import VerzoekType
from casushub.web.casusoverleg.context import provide_actor
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.formulieren import Formulier

__all__ = [
    "DEELNEMERS",
    "STAF",
    "STAF_DEPS",
    "STATUS_TEKST",
    "TAKEN",
    "Aanvraagvelden",
    "datum_nl",
    "hub_gemeenten",
    "op_volgorde",
    "organisatienamen",
    "provide_actor",
    "waarden_van",
]

TAKEN = "/contactpunt-taken"
STAF = (Role.CONTACTPUNT, Role.GEMEENTE_REGIE)
# Who answers a consultation: the participants, the municipality itself, and an invited third
# party that supplied data through its intervention.
DEELNEMERS = (Role.PARTICIPANT, Role.GEMEENTE_REGIE, Role.INVITED_PARTY)
SOORTEN = [("", "Kies wat u wilt vragen"), *((t.value, t.label) for t in VerzoekType)]
KORTE_SOORT = {
    VerzoekType.INZAGE.value: "Inzage",
    VerzoekType.RECTIFICATIE.value: "Rectificatie",
    VerzoekType.VERWIJDERING.value: "Wissing",
    VerzoekType.BEPERKING.value: "Beperking van de verwerking",
    VerzoekType.BEZWAAR.value: "Bezwaar",
}
UITKOMST_TEKST = {
    "toegewezen": "Toegewezen",
    "deels_toegewezen": "Deels toegewezen",
    "afgewezen": "Afgewezen",
}
STATUS_TEKST = {
    "ontvangen": "Ontvangen",
    "in_behandeling": "In behandeling",
    "besloten": "Besloten",
    "uitgevoerd": "Uitgevoerd",
    "overdracht": "Doorsturen naar andere gemeente",
    "overgedragen": "Doorgestuurd",
    "ingetrokken": "Ingetrokken",
}


@dataclass
class Aanvraagvelden(Formulier):
    """A request's own fields, on the public form and on the staff's registration."""

    type: str = ""
    gemeente_van_verblijf: str = ""
    naam: str = ""
    geboortedatum: str = ""
    email: str = ""
    telefoon: str = ""
    adres: str = ""
    bericht: str = ""


def op_volgorde(fouten: dict[str, str], volgorde: tuple[str, ...]) -> dict[str, str]:
    """The messages in the order of the form's fields (for the error summary)."""
    geordend = {veld: fouten[veld] for veld in volgorde if veld in fouten}
    geordend.update(fouten)
    return geordend


# Form values are text; a longer value than any field takes is cut, never stored.
MAX_VELD = 5000


def datum_nl(iso: str | date) -> str:
    """``2027-03-01`` as ``1 maart 2027``: how people read a date."""
    return datum_voluit(iso if isinstance(iso, date) else date.fromisoformat(iso))


def lees_datum(raw: str) -> date | None:
    """A date as people type it (17-03-1990, 17/03/1990) or as a date field sends it."""
    raw = raw.strip()
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=klok.TIJDZONE).date()
        except ValueError:
            continue
    return None


def waarden_van(formulier: Formulier) -> dict[str, str]:
    """What was typed, to show again and to read: each value cut at ``MAX_VELD``."""
    return {k: v[:MAX_VELD] for k, v in formulier.waarden().items()}


# The active municipality, its session and the actor: the casusoverleg's dependencies.
STAF_DEPS = DEPS


async def organisatienamen(state: State, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    async with state.engine.connect() as conn:
        return await namen_van_organisaties(conn, ids)


async def hub_gemeenten(
    state: State, *, hub_id: uuid.UUID | None = None, tenant_id: uuid.UUID | None = None
) -> list[tuple[str, str]]:
    """(CBS code, name) of the municipalities on a hub (or on a tenant's hub), by name."""
    async with state.engine.connect() as conn:
        return await gemeenten_op_hub(conn, hub_id=hub_id, tenant_id=tenant_id)


MELDING_KEY = "contactpunt_melding"


def bevestig(request: Request[Any, Any, Any], tekst: str) -> None:
    """A confirmation for the page the redirect leads to (shown once, in the live region)."""
    request.set_session({**(request.session or {}), MELDING_KEY: tekst})


def neem_melding(request: Request[Any, Any, Any]) -> str | None:
    sessie = dict(request.session or {})
    tekst = sessie.pop(MELDING_KEY, None)
    if tekst is not None:
        request.set_session(sessie)
    return tekst if isinstance(tekst, str) else None
