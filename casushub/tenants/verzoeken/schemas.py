"""Input of a new request, from the public form or from staff, checked with Dutch messages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from casushub.platform.fouten import RegelFouten
from casushub.tenants.personen.rules import bevat_bsn
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType

__all__ = [
    "BSN_PUBLIEK",
    "BSN_STAF",
    "FORM_VELDEN",
    "Invoerfouten",
    "NieuwVerzoek",
    "lees_formulier",
]

# Rule 5 (no BSN) holds for requests too: identity is checked against a document, not a number.
BSN_PUBLIEK = (
    "Vul hier geen burgerservicenummer (BSN) in. Voor uw verzoek is uw BSN niet nodig, en de "
    "gemeente bewaart het in dit overleg niet. Wie u bent, controleert de gemeente later: u "
    "laat dan uw paspoort, identiteitskaart of rijbewijs zien."
)
BSN_STAF = (
    "Dit veld lijkt een burgerservicenummer (BSN) te bevatten. Leg geen BSN vast bij een "
    "verzoek; de identiteit stelt u vast met een identiteitsbewijs."
)

_EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_TELEFOON = re.compile(r"^\+?[0-9 ()-]{8,20}$")
FORM_VELDEN = ("type", "naam", "geboortedatum", "email", "telefoon", "adres", "bericht")
MAX_BERICHT = 4000


class Invoerfouten(RegelFouten):
    """Field id -> Dutch message, in form order (for the error summary)."""


@dataclass(frozen=True)
class NieuwVerzoek:
    type: VerzoekType
    betrokkene_naam: str
    indiener_naam: str
    kanaal: Kanaal
    betrokkene_geboortedatum: date | None = None
    indiener_email: str | None = None
    indiener_telefoon: str | None = None
    indiener_adres: str | None = None
    bericht: str = ""
    # The person's record in the receiving municipality's own schema, when staff know it.
    persoon_id: uuid.UUID | None = None


def _datum(raw: str, vandaag: date) -> date | None:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            value = datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no moment
        except ValueError:
            continue
        return value if date(1900, 1, 1) <= value <= vandaag else None
    return None


def lees_formulier(
    data: Mapping[str, str], *, kanaal: Kanaal = Kanaal.WEBFORMULIER, vandaag: date
) -> NieuwVerzoek:
    """The public form's fields as a request about the submitter; ``Invoerfouten`` if wrong."""
    fouten: dict[str, str] = {}
    naam = " ".join(data.get("naam", "").split())
    if len(naam) < 2:
        fouten["naam"] = "Vul uw naam in."
    elif len(naam) > 200:
        fouten["naam"] = "Uw naam mag niet langer zijn dan 200 tekens."
    geboortedatum = None
    raw_datum = data.get("geboortedatum", "").strip()
    if raw_datum:
        geboortedatum = _datum(raw_datum, vandaag)
        if geboortedatum is None:
            fouten["geboortedatum"] = (
                "Vul uw geboortedatum in als dag-maand-jaar, bijvoorbeeld 17-03-1990."
            )
    email = data.get("email", "").strip() or None
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        fouten["email"] = "Vul een e-mailadres in zoals naam@voorbeeld.nl."
    telefoon = data.get("telefoon", "").strip() or None
    if telefoon is not None and not _TELEFOON.match(telefoon):
        fouten["telefoon"] = (
            "Vul een telefoonnummer in met alleen cijfers, bijvoorbeeld 0612345678."
        )
    adres = " ".join(data.get("adres", "").split()) or None
    if adres is not None and len(adres) > 300:
        fouten["adres"] = "Het adres mag niet langer zijn dan 300 tekens."
    if not (email or telefoon or adres) and not {"email", "telefoon", "adres"} & fouten.keys():
        fouten["email"] = (
            "Vul ten minste één manier in waarop wij u kunnen bereiken: e-mail, telefoon of adres."
        )
    try:
        soort = VerzoekType(data.get("type", ""))
    except ValueError:
        fouten["type"] = "Kies wat u wilt vragen."
        soort = VerzoekType.INZAGE
    bericht = data.get("bericht", "").strip()
    if len(bericht) > MAX_BERICHT:
        fouten["bericht"] = f"Uw bericht mag niet langer zijn dan {MAX_BERICHT} tekens."
    melding = BSN_PUBLIEK if kanaal is Kanaal.WEBFORMULIER else BSN_STAF
    for veld in FORM_VELDEN:
        waarde = data.get(veld, "")
        if veld not in fouten and isinstance(waarde, str) and bevat_bsn(waarde):
            fouten[veld] = melding
    if fouten:
        ordered = {veld: fouten[veld] for veld in FORM_VELDEN if veld in fouten}
        raise Invoerfouten(ordered)
    return NieuwVerzoek(
        type=soort,
        betrokkene_naam=naam,
        indiener_naam=naam,
        kanaal=kanaal,
        betrokkene_geboortedatum=geboortedatum,
        indiener_email=email,
        indiener_telefoon=telefoon,
        indiener_adres=adres,
        bericht=bericht,
    )
