"""The weegploeg's rules (docs/design.md rule 2): five criteria, kernpartijen present, reasoning.

Pure functions: the service gathers the facts and these decide.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from casushub.tenants.casus.errors import RegelFouten

__all__ = [
    "BEOORDELINGEN",
    "CRITERIA",
    "KERNPARTIJEN",
    "Beoordeling",
    "Uitkomst",
    "controleer_criteria",
    "controleer_vaststelling",
    "criteriafouten",
    "vaststellingsfouten",
]


class Uitkomst(enum.StrEnum):
    GEEN_ACTIE = "geen_actie"
    # The concerns are not about radicalisation or terrorist activities: closed like 'geen
    # actie' (same short retention), for the municipality's regular persoonsgerichte aanpak.
    NIET_ONDER_WET = "niet_onder_wet"
    MEER_INFORMATIE = "meer_informatie"
    OPNAME = "opname"
    STRAFRECHTELIJK = "strafrechtelijk"

    @property
    def label(self) -> str:
        return _UITKOMST_LABELS[self]


_UITKOMST_LABELS = {
    Uitkomst.GEEN_ACTIE: "geen actie",
    Uitkomst.NIET_ONDER_WET: "valt niet onder deze wet",
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


def criteriafouten(criteria: Mapping[str, Beoordeling]) -> dict[str, str]:
    """Every criterion without an assessment or a note, keyed ``criteria.<key>`` (law order).
    Nothing is assumed: a criterion nobody assessed is missing, never "geen zorg"."""
    fouten: dict[str, str] = {}
    onbekend = set(criteria) - set(CRITERIA)
    if onbekend:
        fouten["criteria"] = f"Onbekend criterium: {', '.join(sorted(onbekend))}."
    for key, label in CRITERIA.items():
        item = criteria.get(key)
        if item is None or item.beoordeling not in BEOORDELINGEN:
            fouten[f"criteria.{key}"] = f"Beoordeel het criterium '{label}'."
        if item is None or not item.toelichting.strip():
            fouten[f"criteria.{key}.toelichting"] = f"Licht de beoordeling van '{label}' toe."
    return fouten


def controleer_criteria(criteria: Mapping[str, Beoordeling]) -> None:
    """Each of the five criteria carries an assessment and a note; nothing else is accepted.
    Raises :class:`RegelFouten` naming every criterion that falls short."""
    fouten = criteriafouten(criteria)
    if fouten:
        raise RegelFouten(fouten)


def vaststellingsfouten(
    *,
    datum: date,
    aanwezige_types: Collection[str],
    criteria: Mapping[str, Beoordeling],
    uitkomst: str | None,
    redenering: str,
    vervolgdatum: date | None,
) -> dict[str, str]:
    """Everything a weging still lacks before it can be finalised, in form order."""
    fouten: dict[str, str] = {}
    ontbrekend = [label for key, label in KERNPARTIJEN.items() if key not in aanwezige_types]
    if ontbrekend:
        fouten["aanwezigen"] = (
            "Een weging kan alleen worden vastgesteld als gemeente, politie en OM aanwezig zijn. "
            f"Ontbreekt: {', '.join(ontbrekend)}."
        )
    fouten.update(criteriafouten(criteria))
    if not redenering.strip():
        fouten["redenering"] = "Leg de afweging vast (redenering)."
    try:
        gekozen: Uitkomst | None = Uitkomst(uitkomst or "")
    except ValueError:
        gekozen = None
        fouten["uitkomst"] = "Kies een uitkomst van de weging."
    if gekozen is Uitkomst.MEER_INFORMATIE and (vervolgdatum is None or vervolgdatum <= datum):
        fouten["vervolgdatum"] = (
            "Bij 'meer informatie nodig' hoort een vervolgdatum na de datum van de weging."
        )
    return fouten


def controleer_vaststelling(
    *,
    datum: date,
    aanwezige_types: Collection[str],
    criteria: Mapping[str, Beoordeling],
    uitkomst: str | None,
    redenering: str,
    vervolgdatum: date | None,
) -> Uitkomst:
    """Everything a weging needs before it can be finalised; returns the outcome. Raises
    :class:`RegelFouten` with every shortcoming at once."""
    fouten = vaststellingsfouten(
        datum=datum,
        aanwezige_types=aanwezige_types,
        criteria=criteria,
        uitkomst=uitkomst,
        redenering=redenering,
        vervolgdatum=vervolgdatum,
    )
    if fouten:
        raise RegelFouten(fouten)
    return Uitkomst(uitkomst or "")
