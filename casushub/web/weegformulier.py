"""The weging's form, the same for a signal (casusoverleg) and for a case from before the Wet
(overgang): its date, who attended, each criterion of ``CRITERIA`` as an assessment and a
note, the reasoning and the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from casushub.tenants.weging.rules import CRITERIA, Beoordeling
from casushub.web.formulieren import Formulier

__all__ = ["Weegformulier", "veld_id"]


@dataclass
class Weegformulier(Formulier):
    """Each criterion is two fields, ``<criterion>_beoordeling`` and ``<criterion>_toelichting``."""

    datum: str = ""
    aanwezig: list[str] | str = field(default_factory=list)
    redenering: str = ""
    uitkomst: str = ""
    geweld_beoordeling: str = ""
    geweld_toelichting: str = ""
    denkbeelden_beoordeling: str = ""
    denkbeelden_toelichting: str = ""
    sociale_relaties_beoordeling: str = ""
    sociale_relaties_toelichting: str = ""
    identificatie_beoordeling: str = ""
    identificatie_toelichting: str = ""
    zelfredzaamheid_beoordeling: str = ""
    zelfredzaamheid_toelichting: str = ""

    def beoordelingen(self) -> dict[str, Beoordeling]:
        """The criteria filled in; a note without an assessment is kept (and refused as
        incomplete by the rules), not dropped."""
        waarden = self.waarden()
        return {
            key: Beoordeling(waarden[f"{key}_beoordeling"], waarden[f"{key}_toelichting"])
            for key in CRITERIA
            if waarden[f"{key}_beoordeling"] or waarden[f"{key}_toelichting"]
        }


def veld_id(naam: str, organisaties: list[tuple[str, str, str]]) -> str:
    """The id of the form control a rule's field name belongs to (the error summary links
    there): ``criteria.geweld`` is the select ``geweld_beoordeling``, its note
    ``geweld_toelichting``, the attendance the first checkbox."""
    if naam.startswith("criteria."):
        deel = naam.split(".")
        return f"{deel[1]}_{'toelichting' if len(deel) > 2 else 'beoordeling'}"
    if naam == "criteria":
        return f"{next(iter(CRITERIA))}_beoordeling"
    if naam == "aanwezigen":
        return f"aanwezig-{organisaties[0][0]}" if organisaties else "aanwezigen"
    return naam if naam in {"datum", "redenering", "uitkomst", "vervolgdatum"} else "redenering"
