"""The file format of the overgangsvoorraad: CSV and JSON, read into the same plain rows.

One row (CSV) or object (JSON) per case, with the fields in ``VELDEN``. The lists a case
carries (aliases, signals, earlier decisions, interventions) are nested arrays in JSON; in
CSV they are one cell each, entries separated by ``|`` and the parts of an entry by ``;``
(``2023-04-01;politie;zorgen over uitingen|2023-06-12;school;...``). The documentation page,
the template and the example file are generated from ``VELDEN`` so they cannot drift apart.

Pure functions, no I/O: the service decides what is valid (``rules.py``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from casushub.platform.fouten import RegelFout

__all__ = [
    "LIJSTVELDEN",
    "MAX_BESTAND_BYTES",
    "MAX_RIJEN",
    "VELDEN",
    "BestandFout",
    "Veld",
    "lees_bestand",
    "sjabloon_csv",
    "sjabloon_json",
    "voorbeeld_csv",
    "voorbeeld_json",
    "voorbeeldrijen",
]

MAX_RIJEN = 10_000
MAX_BESTAND_BYTES = 10 * 1024 * 1024


class BestandFout(RegelFout):
    """The file as a whole cannot be read (not a row's fault)."""


@dataclass(frozen=True)
class Veld:
    naam: str
    verplicht: bool
    omschrijving: str
    voorbeeld: str
    # For list fields: the names of an entry's parts, in CSV order.
    delen: tuple[str, ...] = ()


VELDEN: tuple[Veld, ...] = (
    Veld(
        "bron_id",
        True,
        "Het nummer van de zaak in uw eigen registratie (uniek, tot 100 tekens). "
        "Hiermee herkent casushub een zaak die al is ingelezen.",
        "OOST-2023-014",
    ),
    Veld("naam", True, "Volledige naam van de betrokkene.", "Voorbeeld Persoon"),
    Veld("aliassen", False, "Andere namen, gescheiden door |.", "V. Persoon|Vp"),
    Veld("geboortedatum", False, "Geboortedatum als JJJJ-MM-DD of DD-MM-JJJJ.", "2001-05-06"),
    Veld(
        "gemeente_van_verblijf",
        True,
        "CBS-gemeentecode (0363 of GM0363) van een gemeente die in casushub bekend is.",
        "9901",
    ),
    Veld("startdatum", True, "Datum waarop de zaak onder het convenant begon.", "2023-04-01"),
    Veld(
        "status",
        True,
        "Stand van de zaak onder het convenant, in eigen woorden "
        "(tot 100 tekens), bijvoorbeeld lopend of monitoren.",
        "lopend",
    ),
    Veld(
        "signalen",
        False,
        "Eerdere signalen: datum;bron;omschrijving, gescheiden door |.",
        "2023-03-20;politie;zorgen over uitingen op sociale media",
        ("datum", "bron", "omschrijving"),
    ),
    Veld(
        "besluiten",
        False,
        "Eerdere besluiten van het casusoverleg: datum;besluit, gescheiden door |.",
        "2023-04-01;opgenomen in de persoonsgerichte aanpak",
        ("datum", "besluit"),
    ),
    Veld(
        "interventies",
        False,
        "Interventies: omschrijving;verantwoordelijke partner;status, gescheiden door |.",
        "begeleiding door jongerenwerk;gemeente;lopend",
        ("omschrijving", "partner", "status"),
    ),
)
LIJSTVELDEN = {v.naam: v.delen for v in VELDEN if v.delen}
_NAMEN = [v.naam for v in VELDEN]


def _lijst_uit_cel(cel: str, delen: tuple[str, ...]) -> list[dict[str, str]]:
    entries = []
    for entry in cel.split("|"):
        if not entry.strip():
            continue
        parts = [p.strip() for p in entry.split(";")]
        # Extra ';' belong to the last part (a description may contain one).
        if len(parts) > len(delen):
            parts = [*parts[: len(delen) - 1], ";".join(parts[len(delen) - 1 :])]
        entries.append(dict(zip(delen, parts + [""] * (len(delen) - len(parts)), strict=True)))
    return entries


def _lees_csv(tekst: str) -> list[dict[str, Any]]:
    eerste = tekst.split("\n", 1)[0]
    scheiding = ";" if eerste.count(";") > eerste.count(",") else ","
    lezer = csv.DictReader(io.StringIO(tekst), delimiter=scheiding)
    kop = [k.strip().lower() for k in (lezer.fieldnames or [])]
    ontbrekend = [v.naam for v in VELDEN if v.verplicht and v.naam not in kop]
    if ontbrekend:
        msg = (
            "De kopregel van het CSV-bestand mist de kolom(men) "
            f"{', '.join(ontbrekend)}. Gebruik het sjabloon."
        )
        raise BestandFout(msg)
    rijen: list[dict[str, Any]] = []
    for ruw in lezer:
        rij: dict[str, Any] = {}
        for sleutel, waarde in ruw.items():
            if sleutel is None:
                rij["_extra"] = True  # more cells than columns
                continue
            naam = sleutel.strip().lower()
            tekst_ = (waarde or "").strip() if isinstance(waarde, str) else ""
            if naam == "aliassen":
                rij[naam] = [a.strip() for a in tekst_.split("|") if a.strip()]
            elif naam in LIJSTVELDEN:
                rij[naam] = _lijst_uit_cel(tekst_, LIJSTVELDEN[naam])
            else:
                rij[naam] = tekst_
        if any(v for k, v in rij.items() if k != "_extra"):
            rijen.append(rij)
    return rijen


def _lees_json(tekst: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(tekst)
    except json.JSONDecodeError as exc:
        msg = f"Het JSON-bestand is niet leesbaar (regel {exc.lineno}): controleer de opmaak."
        raise BestandFout(msg) from None
    if isinstance(data, dict) and isinstance(data.get("zaken"), list):
        data = data["zaken"]
    if not isinstance(data, list):
        msg = 'Het JSON-bestand moet een lijst van zaken bevatten (of {"zaken": [...]}).'
        raise BestandFout(msg)
    return [r if isinstance(r, dict) else {"_geen_object": True} for r in data]


def lees_bestand(bestandsnaam: str, inhoud: bytes) -> tuple[str, list[dict[str, Any]]]:
    """(format, rows) of an uploaded file; raises ``BestandFout`` when it cannot be read."""
    if not inhoud.strip():
        raise BestandFout("Het bestand is leeg.")
    if len(inhoud) > MAX_BESTAND_BYTES:
        raise BestandFout("Het bestand is groter dan 10 MB: verdeel het over meer bestanden.")
    try:
        tekst = inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BestandFout("Sla het bestand op als UTF-8 (CSV UTF-8 in Excel).") from None
    naam = bestandsnaam.lower()
    formaat = "json" if naam.endswith(".json") or tekst.lstrip()[:1] in {"[", "{"} else "csv"
    if not naam.endswith((".csv", ".json", ".txt")) and naam:
        raise BestandFout("Kies een CSV- of JSON-bestand (.csv of .json).")
    rijen = _lees_json(tekst) if formaat == "json" else _lees_csv(tekst)
    if not rijen:
        raise BestandFout("Het bestand bevat geen zaken.")
    if len(rijen) > MAX_RIJEN:
        msg = f"Het bestand bevat meer dan {MAX_RIJEN} zaken: verdeel het over meer bestanden."
        raise BestandFout(msg)
    return formaat, rijen


def _csv(rijen: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    schrijver = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    schrijver.writerow(_NAMEN)
    for rij in rijen:
        cellen = []
        for veld in VELDEN:
            waarde = rij.get(veld.naam, "")
            if veld.naam == "aliassen":
                waarde = "|".join(waarde)
            elif veld.delen:
                waarde = "|".join(";".join(e.get(d, "") for d in veld.delen) for e in waarde)
            cellen.append(waarde)
        schrijver.writerow(cellen)
    return buf.getvalue()


def voorbeeldrijen(gemeentecode: str) -> list[dict[str, Any]]:
    """Two fictitious cases for the example file, resident in ``gemeentecode``."""
    return [
        {
            "bron_id": "VOORBEELD-001",
            "naam": "Fictief Voorbeeld",
            "aliassen": ["F. Voorbeeld"],
            "geboortedatum": "2001-05-06",
            "gemeente_van_verblijf": gemeentecode,
            "startdatum": "2023-04-01",
            "status": "lopend",
            "signalen": [
                {
                    "datum": "2023-03-20",
                    "bron": "politie",
                    "omschrijving": "zorgen over uitingen op sociale media",
                },
            ],
            "besluiten": [{"datum": "2023-04-01", "besluit": "opgenomen in de aanpak"}],
            "interventies": [
                {
                    "omschrijving": "begeleiding door jongerenwerk",
                    "partner": "gemeente",
                    "status": "lopend",
                },
            ],
        },
        {
            "bron_id": "VOORBEELD-002",
            "naam": "Verzonnen Testpersoon",
            "aliassen": [],
            "geboortedatum": "1998-11-23",
            "gemeente_van_verblijf": gemeentecode,
            "startdatum": "2022-09-15",
            "status": "monitoren",
            "signalen": [
                {"datum": "2022-09-01", "bron": "school", "omschrijving": "zorgen van de mentor"},
            ],
            "besluiten": [],
            "interventies": [],
        },
    ]


def sjabloon_csv() -> str:
    return _csv([])


def sjabloon_json() -> str:
    leeg = {v.naam: ([] if v.delen or v.naam == "aliassen" else "") for v in VELDEN}
    return json.dumps({"zaken": [leeg]}, ensure_ascii=False, indent=2) + "\n"


def voorbeeld_csv(gemeentecode: str) -> str:
    return _csv(voorbeeldrijen(gemeentecode))


def voorbeeld_json(gemeentecode: str) -> str:
    return json.dumps({"zaken": voorbeeldrijen(gemeentecode)}, ensure_ascii=False, indent=2) + "\n"
