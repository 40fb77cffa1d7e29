"""The grounds on which an invited partner shares information with the casusoverleg. No I/O.

A professional with a duty of secrecy (a GGZ practitioner, a youth care worker) may only break
it on a ground of its own; the partner names that ground and explains it, and the item keeps
both next to its source (docs/design.md §2 rule 4). Nothing is chosen for the partner.
"""

from __future__ import annotations

from casushub.tenants.casus.errors import RegelFouten
from casushub.tenants.casus.rules import Categorie

__all__ = ["DEELGRONDEN", "controleer_inbreng", "deelgrond_label"]

DEELGRONDEN: dict[str, str] = {
    "toestemming": "Toestemming van de betrokkene",
    "wettelijke_plicht": "Een wettelijke plicht of een wettelijk meldrecht",
    "conflict_van_plichten": (
        "Conflict van plichten: het beroepsgeheim doorbreken om ernstig gevaar af te wenden"
    ),
    "geen_beroepsgeheim": (
        "Geen beroepsgeheim: de informatie is nodig voor de bespreking waarvoor wij zijn "
        "uitgenodigd"
    ),
}


def deelgrond_label(code: str | None) -> str:
    return DEELGRONDEN.get(code or "", "")


def controleer_inbreng(*, tekst: str, categorie: str, deelgrond: str, toelichting: str) -> None:
    """Every missing or unknown answer at once, in the order of the form."""
    fouten: dict[str, str] = {}
    if not tekst.strip():
        fouten["tekst"] = "Vul de informatie in die u inbrengt."
    if categorie not in set(Categorie):
        fouten["categorie"] = "Kies de soort gegevens."
    if deelgrond not in DEELGRONDEN:
        fouten["deelgrond"] = "Kies de grond waarop u deze informatie deelt."
    if not toelichting.strip():
        fouten["deelgrond_toelichting"] = (
            "Licht de grond toe: waarom mag u deze informatie delen met het casusoverleg?"
        )
    if fouten:
        raise RegelFouten(fouten)
