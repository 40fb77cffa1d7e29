"""Who may announce a national measure and what the municipality may decide on it. No I/O."""

from __future__ import annotations

import enum
from datetime import date

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, RegelFout, RegelFouten
from casushub.tenants.casus.rules import DEELNEMER_ROL

__all__ = [
    "BESLUITEN",
    "JENV",
    "Besluit",
    "controleer_aankondiging",
    "controleer_besluit",
    "is_jenv",
    "vereis_jenv",
]

# The organisation type of the Minister of JenV (casushub.platform.identity.roles); a JenV
# participant is a participant membership of an organisation of this type: no role of its own.
JENV = "jenv"


class Besluit(enum.StrEnum):
    OPNEMEN = "opnemen"
    KENNISNEMEN = "kennisnemen"


BESLUITEN = {
    Besluit.OPNEMEN: "Opnemen in het plan van aanpak",
    Besluit.KENNISNEMEN: "Kennisnemen (niet in het plan van aanpak)",
}


def is_jenv(actor: Actor) -> bool:
    return actor.role == DEELNEMER_ROL and actor.organisation_type == JENV


def vereis_jenv(actor: Actor) -> None:
    if not is_jenv(actor) or actor.organisation_id is None:
        raise GeenToegang(
            "Alleen een deelnemer namens de Minister van Justitie en Veiligheid kan een "
            "voorgenomen maatregel aankondigen."
        )


def controleer_aankondiging(
    *, omschrijving: str, bevoegdheid: str, voorgenomen_op: date | None, vandaag: date
) -> None:
    fouten: dict[str, str] = {}
    if not omschrijving.strip():
        fouten["omschrijving"] = "Beschrijf de maatregel die de minister wil nemen."
    if not bevoegdheid.strip():
        fouten["bevoegdheid"] = (
            "Vermeld de bevoegdheid van de minister waaronder de maatregel wordt genomen; het "
            "casusoverleg heeft zelf geen bevoegdheden."
        )
    if voorgenomen_op is not None and voorgenomen_op < vandaag:
        fouten["voorgenomen_op"] = (
            "Een maatregel wordt aangekondigd voordat hij wordt genomen: kies een datum vanaf "
            "vandaag."
        )
    if fouten:
        raise RegelFouten(fouten)


def controleer_besluit(*, besluit: str, reden: str, al_besloten: bool) -> Besluit:
    if al_besloten:
        raise RegelFout("Over deze maatregel is al besloten.", "besluit")
    fouten: dict[str, str] = {}
    gekozen: Besluit | None = None
    try:
        gekozen = Besluit(besluit)
    except ValueError:
        fouten["besluit"] = "Kies hoe de maatregel in het plan van aanpak past."
    if not reden.strip():
        fouten["reden"] = "Geef de reden van uw besluit."
    if fouten or gekozen is None:
        raise RegelFouten(fouten)
    return gekozen
