"""The dry run's rules: every row checked at once, each fault in Dutch, nothing written.

Pure functions: the service gathers what is already present (municipalities, persons,
imported source ids) and ``controleer_rijen`` decides per row.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from casushub.tenants.overgang.formaat import LIJSTVELDEN, VELDEN
from casushub.tenants.personen.rules import bevat_bsn

__all__ = [
    "MAX_LENGTE",
    "Rijrapport",
    "bron_sleutel",
    "controleer_rijen",
    "normaliseer_gemeentecode",
    "persoonssleutel",
]

MAX_LENGTE = {
    "bron_id": 100,
    "naam": 200,
    "aliassen": 200,
    "status": 100,
    "omschrijving": 2000,
    "bron": 100,
    "besluit": 2000,
    "partner": 100,
}
_MAX_LIJST = 200  # entries per list field
_VELDLABEL = {
    "bron_id": "bron-id",
    "naam": "naam",
    "aliassen": "aliassen",
    "geboortedatum": "geboortedatum",
    "gemeente_van_verblijf": "gemeente van verblijf",
    "startdatum": "startdatum",
    "status": "status",
    "signalen": "signalen",
    "besluiten": "besluiten",
    "interventies": "interventies",
}


@dataclass
class Rijrapport:
    rij: int
    bron_id: str
    fouten: list[str] = field(default_factory=list)
    al_ingelezen: bool = False
    schoon: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.fouten:
            return "fout"
        return "al_ingelezen" if self.al_ingelezen else "nieuw"

    def als_dict(self) -> dict[str, Any]:
        """For the stored report: no personal data, only the row, the source id and faults."""
        return {
            "rij": self.rij,
            "bron_id": self.bron_id,
            "status": self.status,
            "fouten": self.fouten,
        }


def bron_sleutel(geheim: bytes, bron_id: str) -> str:
    """Keyed hash of a source id: recognises a re-upload without keeping the id itself."""
    return hmac.new(geheim, bron_id.strip().encode(), hashlib.sha256).hexdigest()


def persoonssleutel(naam: str, geboortedatum: date | str | None) -> tuple[str, str]:
    dag = geboortedatum.isoformat() if isinstance(geboortedatum, date) else (geboortedatum or "")
    return (" ".join(naam.lower().split()), dag)


def normaliseer_gemeentecode(waarde: str) -> str:
    code = waarde.strip().upper().removeprefix("GM")
    return code.zfill(4) if code.isdigit() and len(code) <= 4 else code


def _datum(waarde: Any) -> date:
    tekst = str(waarde).strip()
    for patroon in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(tekst, patroon).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    raise ValueError(tekst)


def _tekst(waarde: Any) -> str:
    return waarde.strip() if isinstance(waarde, str) else ("" if waarde is None else str(waarde))


def _controleer_datum(
    waarde: Any, label: str, fouten: list[str], vandaag: date, *, verplicht: bool
) -> str | None:
    tekst = _tekst(waarde)
    if not tekst:
        if verplicht:
            fouten.append(f"Vul de {label} in.")
        return None
    try:
        dag = _datum(tekst)
    except ValueError:
        fouten.append(f"De {label} '{tekst[:20]}' is geen datum: gebruik JJJJ-MM-DD of DD-MM-JJJJ.")
        return None
    if dag > vandaag:
        fouten.append(f"De {label} ligt in de toekomst.")
        return None
    if dag.year < 1900:
        fouten.append(f"De {label} ligt vóór 1900.")
        return None
    return dag.isoformat()


def _bsn_velden(rij: Mapping[str, Any]) -> list[str]:
    """The fields (by label) in which any text holds a BSN, nested entries included."""
    gevonden = []

    def teksten(waarde: Any) -> list[str]:
        if isinstance(waarde, str):
            return [waarde]
        if isinstance(waarde, list):
            return [t for w in waarde for t in teksten(w)]
        if isinstance(waarde, dict):
            return [t for w in waarde.values() for t in teksten(w)]
        return [str(waarde)] if isinstance(waarde, int) else []

    for naam, waarde in rij.items():
        if any(bevat_bsn(t) for t in teksten(waarde)):
            gevonden.append(_VELDLABEL.get(naam, naam))
    return gevonden


def _controleer_rij(
    nummer: int,
    rij: Mapping[str, Any],
    bekende_gemeenten: Collection[str],
    vandaag: date,
    *,
    bsn_toegestaan: bool,
) -> Rijrapport:
    bron_id = _tekst(rij.get("bron_id"))
    rapport = Rijrapport(nummer, bron_id[: MAX_LENGTE["bron_id"]])
    fouten = rapport.fouten
    if rij.get("_geen_object"):
        fouten.append("Deze regel is geen zaak (verwacht een object met velden).")
        return rapport
    if rij.get("_extra"):
        fouten.append("Deze regel heeft meer cellen dan de kopregel kolommen.")
    onbekend = sorted(k for k in rij if k not in _VELDLABEL and not k.startswith("_"))
    if onbekend:
        fouten.append(f"Onbekend veld: {', '.join(onbekend)[:200]}.")
    if not bsn_toegestaan:
        bsn = _bsn_velden({k: v for k, v in rij.items() if k in _VELDLABEL})
        if bsn:
            fouten.append(
                f"Het veld {', '.join(bsn)} lijkt een burgerservicenummer (BSN) te bevatten. "
                "Deze gemeente verwerkt geen BSN: laat het nummer weg."
            )
    schoon: dict[str, Any] = {}
    for veld in VELDEN:
        waarde = rij.get(veld.naam)
        label = _VELDLABEL[veld.naam]
        if veld.naam in {"geboortedatum", "startdatum"}:
            schoon[veld.naam] = _controleer_datum(
                waarde, label, fouten, vandaag, verplicht=veld.verplicht
            )
            continue
        if veld.naam == "aliassen":
            lijst = waarde if isinstance(waarde, list) else ([waarde] if waarde else [])
            aliassen = [_tekst(a) for a in lijst if _tekst(a)]
            if any(len(a) > MAX_LENGTE["aliassen"] for a in aliassen) or len(aliassen) > _MAX_LIJST:
                fouten.append("Een alias is te lang (meer dan 200 tekens) of het zijn er te veel.")
            schoon["aliassen"] = aliassen
            continue
        if veld.naam in LIJSTVELDEN:
            schoon[veld.naam] = _controleer_lijst(veld.naam, waarde, fouten, vandaag)
            continue
        tekst = _tekst(waarde)
        if veld.verplicht and not tekst:
            fouten.append(f"Vul de {label} in.")
        elif len(tekst) > MAX_LENGTE.get(veld.naam, 200):
            fouten.append(f"De {label} is langer dan {MAX_LENGTE.get(veld.naam, 200)} tekens.")
        schoon[veld.naam] = tekst
    code = normaliseer_gemeentecode(_tekst(rij.get("gemeente_van_verblijf")))
    if code:
        if code not in bekende_gemeenten:
            fouten.append(
                f"De gemeente van verblijf '{code[:10]}' is geen gemeente die in casushub bekend "
                "is: gebruik de CBS-gemeentecode (bijvoorbeeld 0363)."
            )
        schoon["gemeente_van_verblijf"] = code
    rapport.schoon = schoon
    return rapport


def _controleer_lijst(
    naam: str, waarde: Any, fouten: list[str], vandaag: date
) -> list[dict[str, Any]]:
    label = _VELDLABEL[naam]
    if waarde in (None, ""):
        return []
    if not isinstance(waarde, list) or len(waarde) > _MAX_LIJST:
        fouten.append(f"De {label} moeten een lijst zijn (hoogstens {_MAX_LIJST}).")
        return []
    uit = []
    for i, entry in enumerate(waarde, start=1):
        if not isinstance(entry, dict):
            fouten.append(
                f"{label.capitalize()} {i}: verwacht velden {', '.join(LIJSTVELDEN[naam])}."
            )
            continue
        schoon = {}
        for deel in LIJSTVELDEN[naam]:
            tekst = _tekst(entry.get(deel))
            if deel == "datum":
                schoon[deel] = _controleer_datum(
                    tekst, f"datum van {label} {i}", fouten, vandaag, verplicht=True
                )
                continue
            if not tekst and deel in {"omschrijving", "besluit"}:
                fouten.append(f"{label.capitalize()} {i}: vul de {deel} in.")
            elif len(tekst) > MAX_LENGTE.get(deel, 200):
                fouten.append(f"{label.capitalize()} {i}: de {deel} is te lang.")
            schoon[deel] = tekst
        uit.append(schoon)
    return uit


def controleer_rijen(
    rijen: Sequence[Mapping[str, Any]],
    *,
    bekende_gemeenten: Collection[str],
    bekende_personen: Collection[tuple[str, str]],
    ingelezen_sleutels: Collection[str],
    sleutel: Callable[[str], str],
    vandaag: date,
    bsn_toegestaan: bool = False,
) -> list[Rijrapport]:
    """One report per row (numbered from 1), all faults of all rows at once."""
    rapporten = [
        _controleer_rij(n, r, bekende_gemeenten, vandaag, bsn_toegestaan=bsn_toegestaan)
        for n, r in enumerate(rijen, start=1)
    ]
    eerste_bron: dict[str, int] = {}
    eerste_persoon: dict[tuple[str, str], int] = {}
    for rapport in rapporten:
        if rapport.bron_id:
            eerder = eerste_bron.setdefault(rapport.bron_id, rapport.rij)
            if eerder != rapport.rij:
                rapport.fouten.append(f"Dit bron-id staat ook in rij {eerder}.")
            elif sleutel(rapport.bron_id) in ingelezen_sleutels:
                rapport.al_ingelezen = True
                continue
        naam = rapport.schoon.get("naam") or ""
        if not naam:
            continue
        persoon = persoonssleutel(naam, rapport.schoon.get("geboortedatum"))
        eerder = eerste_persoon.setdefault(persoon, rapport.rij)
        if eerder != rapport.rij:
            rapport.fouten.append(
                f"Deze persoon (zelfde naam en geboortedatum) staat ook in rij {eerder}."
            )
        elif persoon in bekende_personen:
            rapport.fouten.append(
                "Deze persoon (zelfde naam en geboortedatum) is al bekend in casushub, als "
                "signaal, casus of eerder ingelezen zaak: voeg de gegevens daar toe in plaats "
                "van de zaak opnieuw in te lezen."
            )
    return rapporten
