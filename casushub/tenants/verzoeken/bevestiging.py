"""The confirmation e-mail to the person who filed a request: a fixed Dutch text with only the
receipt number and the deadline (art. 12(3) AVG), and the contactpunt's municipality.

Nothing else about the request or the person goes in it (not even the type of request): an
e-mail box is not a safe place, and the number is all the person needs to ask after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from casushub.tenants.verzoeken.rules import valideer_ontvangstnummer

__all__ = ["MAANDEN", "Bevestiging", "bevestiging", "datum_voluit"]

MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def datum_voluit(dag: date) -> str:
    """``2027-03-01`` as ``1 maart 2027``: how people read a date."""
    return f"{dag.day} {MAANDEN[dag.month - 1]} {dag.year}"


_NAAM = re.compile(r"^[\w .'’()-]{1,200}$")


@dataclass(frozen=True)
class Bevestiging:
    onderwerp: str
    tekst: str


def bevestiging(*, nummer: str, termijn: date, gemeente: str) -> Bevestiging:
    if not valideer_ontvangstnummer(nummer):
        msg = "geen geldig ontvangstnummer"
        raise ValueError(msg)
    if not _NAAM.match(gemeente):
        gemeente = "de gemeente"
    uiterlijk = datum_voluit(termijn)
    tekst = (
        "Wij hebben uw verzoek ontvangen.\n\n"
        f"Uw ontvangstnummer is: {nummer}\n"
        f"U krijgt uiterlijk op {uiterlijk} antwoord.\n\n"
        "Duurt het langer? Dan hoort u dat vóór die datum, met de reden. Het kan dan hooguit "
        "twee maanden langer duren.\n\n"
        f"Het contactpunt van {gemeente} neemt contact met u op. U laat dan zien wie u bent met "
        "een geldig paspoort, identiteitskaart of rijbewijs. Stuur geen kopie van uw "
        "identiteitsbewijs en noem uw burgerservicenummer (BSN) niet.\n\n"
        "Noem het ontvangstnummer als u contact opneemt met de gemeente.\n\n"
        "Deze e-mail bevat bewust geen andere gegevens over u of uw verzoek.\n"
        "Dit bericht is automatisch verstuurd; u kunt er niet op antwoorden.\n"
    )
    return Bevestiging("Ontvangstbevestiging van uw verzoek", tekst)
