"""Which exports are allowed (purpose-bound exports): pure, no database.

An export takes case data out of the platform, where the access rules no longer protect it.
So every export names its purpose; a hand-over to another municipal process serves only the
carrying out of an intervention from the plan van aanpak, and names that intervention; and
special-category or criminal data leave only with the approval of the participant that
supplied them (docs/design.md §2 rule 4) — except towards the data subject, whose inzage the
contactpunt decides on after consulting every source (Besluit art. 3).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from casushub.platform.fouten import GeenToegang

__all__ = [
    "GEVOELIGE_CATEGORIEEN",
    "Bestemming",
    "ExportDoel",
    "ExportGeweigerd",
    "ExportItem",
    "Formaat",
    "check_export",
    "goedkeuring_nodig",
]

GEVOELIGE_CATEGORIEEN = frozenset({"bijzonder", "strafrechtelijk"})


class ExportGeweigerd(GeenToegang):
    """The export is not allowed; the message says why, in Dutch (``field``: the form field
    it concerns, for the export screen)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ExportDoel(enum.StrEnum):
    UITVOERING_INTERVENTIE = "uitvoering interventie uit plan van aanpak"
    INZAGE_BETROKKENE = "inzageverzoek van de betrokkene"
    CASUSOVERLEG = "voorbereiding en verslag van het casusoverleg"
    OVERDRACHT_GEMEENTE = "overdracht aan de nieuwe gemeente van verblijf"
    EINDE_VERWERKING = "teruggave bij einde verwerkersovereenkomst"
    TOEZICHT = "verantwoording aan toezichthouder of functionaris gegevensbescherming"


class Bestemming(enum.StrEnum):
    BETROKKENE = "betrokkene"
    CASUSOVERLEG = "casusoverleg"
    DEELNEMER = "deelnemer"
    GEMEENTELIJK_PROCES = "gemeentelijk_proces"
    GEMEENTE = "gemeente"
    TOEZICHTHOUDER = "toezichthouder"


class Formaat(enum.StrEnum):
    PDF = "pdf"
    JSON = "json"
    CSV = "csv"
    AFDRUK = "afdruk"


# Purposes that fit each destination: a purpose is not a free label.
_DOELEN_PER_BESTEMMING: dict[Bestemming, frozenset[ExportDoel]] = {
    Bestemming.BETROKKENE: frozenset({ExportDoel.INZAGE_BETROKKENE}),
    Bestemming.CASUSOVERLEG: frozenset({ExportDoel.CASUSOVERLEG}),
    Bestemming.DEELNEMER: frozenset({ExportDoel.UITVOERING_INTERVENTIE}),
    Bestemming.GEMEENTELIJK_PROCES: frozenset({ExportDoel.UITVOERING_INTERVENTIE}),
    Bestemming.GEMEENTE: frozenset({ExportDoel.OVERDRACHT_GEMEENTE, ExportDoel.EINDE_VERWERKING}),
    Bestemming.TOEZICHTHOUDER: frozenset({ExportDoel.TOEZICHT}),
}


@dataclass(frozen=True)
class ExportItem:
    """One exported record as the guard sees it: what it is, how sensitive, who supplied it."""

    soort: str
    id: uuid.UUID
    categorie: str = "gewoon"
    bron_organisatie_id: uuid.UUID | None = None


def _doel(value: str | ExportDoel | None) -> ExportDoel:
    if not value or not str(value).strip():
        msg = "Geef het doel van de export op; zonder doel mogen geen gegevens het platform uit."
        raise ExportGeweigerd(msg, "doel")
    try:
        return ExportDoel(str(value).strip())
    except ValueError:
        msg = "Kies een doel uit de lijst; een zelfbedacht doel is niet toegestaan."
        raise ExportGeweigerd(msg, "doel") from None


def goedkeuring_nodig(
    items: Iterable[ExportItem],
    bestemming: Bestemming,
    exporteur_organisatie_id: uuid.UUID | None,
) -> list[ExportItem]:
    """Sensitive items whose source must approve this export (not the exporter's own)."""
    if bestemming is Bestemming.BETROKKENE:
        return []
    return [
        item
        for item in items
        if item.categorie in GEVOELIGE_CATEGORIEEN
        and item.bron_organisatie_id != exporteur_organisatie_id
    ]


def check_export(
    *,
    doel: str | ExportDoel | None,
    bestemming: Bestemming | str,
    items: Collection[ExportItem],
    exporteur_organisatie_id: uuid.UUID | None,
    interventie_id: uuid.UUID | None = None,
    interventie_bestaat: bool = False,
    goedgekeurd: Collection[uuid.UUID] = (),
) -> ExportDoel:
    """The export's purpose when it is allowed; ``ExportGeweigerd`` otherwise."""
    gekozen = _doel(doel)
    try:
        naar = Bestemming(bestemming)
    except ValueError:
        msg = "Kies waar de export naartoe gaat."
        raise ExportGeweigerd(msg, "bestemming") from None
    if gekozen not in _DOELEN_PER_BESTEMMING[naar]:
        if naar is Bestemming.GEMEENTELIJK_PROCES:
            msg = (
                "Naar een ander gemeentelijk proces mag alleen worden geëxporteerd voor "
                f"'{ExportDoel.UITVOERING_INTERVENTIE.value}'."
            )
        else:
            msg = f"Het doel '{gekozen.value}' past niet bij deze bestemming."
        raise ExportGeweigerd(msg, "doel")
    if gekozen is ExportDoel.UITVOERING_INTERVENTIE and (
        interventie_id is None or not interventie_bestaat
    ):
        msg = "Verwijs naar een bestaande interventie uit het plan van aanpak van deze casus."
        raise ExportGeweigerd(msg, "interventie")
    open_items = [
        item
        for item in goedkeuring_nodig(items, naar, exporteur_organisatie_id)
        if item.id not in set(goedgekeurd)
    ]
    if open_items:
        msg = (
            f"{len(open_items)} gegeven(s) van bijzondere of strafrechtelijke aard mogen pas "
            "mee na goedkeuring van de deelnemer die ze heeft aangeleverd."
        )
        raise ExportGeweigerd(msg, "goedkeuring")
    return gekozen
