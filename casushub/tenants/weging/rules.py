"""The weegploeg's rules (docs/design.md rule 2): five criteria, kernpartijen present, reasoning.

Pure functions: the service gathers the facts and these decide.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from casushub.tenants.casus.errors import RegelFout

__all__ = [
    "BEOORDELINGEN",
    "CRITERIA",
    "KERNPARTIJEN",
    "Beoordeling",
    "Uitkomst",
    "controleer_criteria",
    "controleer_vaststelling",
]


class Uitkomst(enum.StrEnum):
    GEEN_ACTIE = "geen_actie"
    MEER_INFORMATIE = "meer_informatie"
    OPNAME = "opname"
    STRAFRECHTELIJK = "strafrechtelijk"

    @property
    def label(self) -> str:
        return _UITKOMST_LABELS[self]


_UITKOMST_LABELS = {
    Uitkomst.GEEN_ACTIE: "geen actie",
    Uitkomst.MEER_INFORMATIE: "meer informatie nodig",
    Uitkomst.OPNAME: "opname in casusoverleg",
    Uitkomst.STRAFRECHTELIJK: "strafrechtelijk traject (OM)",
}

# The five criteria of art. 5(3) of the Wet, in the order of the law.
CRITERIA: Mapping[str, str] = {
    "geweld": "bereidheid tot het gebruik of de verspreiding van geweld",
    "denkbeelden": "vastheid van extremistische denkbeelden",
    "sociale_relaties": "sociale relaties",
    "identificatie": "identificatie met een extremistische groep of ideologie",
    "zelfredzaamheid": "zelfredzaamheid",
}
BEOORDELINGEN: Mapping[str, str] = {
    "geen_zorg": "geen zorg",
    "enige_zorg": "enige zorg",
    "ernstige_zorg": "ernstige zorg",
    "onbekend": "onbekend",
}
# Organisation types that must attend before a weging can be finalised (kernpartijen).
KERNPARTIJEN: Mapping[str, str] = {"gemeente": "gemeente", "politie": "politie", "om": "OM"}


@dataclass(frozen=True, slots=True)
class Beoordeling:
    beoordeling: str
    toelichting: str


def controleer_criteria(criteria: Mapping[str, Beoordeling]) -> None:
    """Each of the five criteria carries an assessment and a note; nothing else is accepted."""
    onbekend = set(criteria) - set(CRITERIA)
    if onbekend:
        raise RegelFout(f"Onbekend criterium: {', '.join(sorted(onbekend))}.", "criteria")
    for key, label in CRITERIA.items():
        item = criteria.get(key)
        if item is None or item.beoordeling not in BEOORDELINGEN:
            raise RegelFout(f"Beoordeel het criterium '{label}'.", f"criteria.{key}")
        if not item.toelichting.strip():
            raise RegelFout(f"Licht de beoordeling van '{label}' toe.", f"criteria.{key}")


def controleer_vaststelling(
    *,
    datum: date,
    aanwezige_types: Collection[str],
    criteria: Mapping[str, Beoordeling],
    uitkomst: str | None,
    redenering: str,
    vervolgdatum: date | None,
) -> Uitkomst:
    """Everything a weging needs before it can be finalised; returns the outcome."""
    ontbrekend = [label for key, label in KERNPARTIJEN.items() if key not in aanwezige_types]
    if ontbrekend:
        raise RegelFout(
            "Een weging kan alleen worden vastgesteld als gemeente, politie en OM aanwezig zijn. "
            f"Ontbreekt: {', '.join(ontbrekend)}.",
            "aanwezigen",
        )
    controleer_criteria(criteria)
    try:
        gekozen = Uitkomst(uitkomst or "")
    except ValueError:
        raise RegelFout("Kies een uitkomst van de weging.", "uitkomst") from None
    if not redenering.strip():
        raise RegelFout("Leg de afweging vast (redenering).", "redenering")
    if gekozen is Uitkomst.MEER_INFORMATIE and (vervolgdatum is None or vervolgdatum <= datum):
        raise RegelFout(
            "Bij 'meer informatie nodig' hoort een vervolgdatum na de datum van de weging.",
            "vervolgdatum",
        )
    return gekozen
