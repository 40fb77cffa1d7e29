"""Disclosure control for the figures: what may be shown of a count or a duration. Pure.

- A count below ``DREMPEL`` is shown as "< 5", never exactly (also 0: an empty cell next to
  a filled one would still tell something when the rest is known).
- Figures have no totals: a total beside its cells would give a suppressed cell away by
  subtraction.
- The period is a calendar year, never an arbitrary range: two overlapping ranges would give
  the difference between them away.
- The hub's figures are the sum of its municipalities'. A hub cell is exact only where no
  municipality is below the threshold; otherwise "ten minste" the sum of the exact cells, so
  that the sum minus the municipalities' exact cells can never pin a suppressed one down
  (``toon_hubcel``).
- A duration (median in days) is shown only over at least ``DREMPEL`` observations.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "DREMPEL",
    "ONDER_DREMPEL",
    "VERBORGEN",
    "Cijfers",
    "Tabel",
    "Weergave",
    "optellen",
    "toon_aantal",
    "toon_duur",
    "toon_hubcel",
    "weergave",
]

DREMPEL = 5
ONDER_DREMPEL = "< 5"
VERBORGEN = "niet getoond"


def toon_aantal(n: int) -> str:
    return ONDER_DREMPEL if n < DREMPEL else str(n)


def toon_hubcel(per_gemeente: Iterable[int]) -> str:
    """One hub cell from the municipalities' counts of that cell.

    Exact only when no municipality is below the threshold there. Otherwise what is shown
    depends on nothing but what the municipalities' own figures already show: "at least"
    the sum of their exact cells, or, when every one is below the threshold, "< 5" or
    hidden. Whether the sum is below 5 pins no cell when two or more are suppressed, and
    with one there is nothing new in it.
    """
    waarden = list(per_gemeente)
    exact = [n for n in waarden if n >= DREMPEL]
    if len(exact) == len(waarden):
        return str(sum(waarden)) if waarden else ONDER_DREMPEL
    if exact:
        return f"ten minste {sum(exact)}"
    return ONDER_DREMPEL if sum(waarden) < DREMPEL else VERBORGEN


def toon_duur(dagen: list[int]) -> str:
    if len(dagen) < DREMPEL:
        return f"{ONDER_DREMPEL} waarnemingen"
    return f"{round(statistics.median(dagen))} dagen"


@dataclass
class Cijfers:
    """Raw figures of one municipality (or the sum of several): counts and durations."""

    # Table key -> {(row label, column label): count}
    aantallen: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    # Duration key -> days of each observation
    duren: dict[str, list[int]] = field(default_factory=dict)


def optellen(delen: Iterable[Cijfers]) -> Cijfers:
    som = Cijfers()
    for deel in delen:
        for sleutel, cellen in deel.aantallen.items():
            doel = som.aantallen.setdefault(sleutel, {})
            for cel, n in cellen.items():
                doel[cel] = doel.get(cel, 0) + n
        for sleutel, dagen in deel.duren.items():
            som.duren.setdefault(sleutel, []).extend(dagen)
    return som


@dataclass(frozen=True)
class Tabel:
    sleutel: str
    titel: str
    rijkop: str
    kolommen: tuple[str, ...]
    rijen: tuple[tuple[str, tuple[str, ...]], ...]
    # Per cell the number the chart may draw (None: suppressed, drawn as "< 5").
    waarden: tuple[tuple[int | None, ...], ...]


@dataclass(frozen=True)
class Weergave:
    tabellen: tuple[Tabel, ...]
    duren: tuple[tuple[str, str, str], ...]  # (key, label, shown value)


def _tabel(
    sleutel: str,
    titel: str,
    rijkop: str,
    delen: list[Mapping[tuple[str, str], int]],
    rijen: Iterable[str],
    kolommen: Iterable[str],
) -> Tabel:
    rij_labels = tuple(rijen)
    kol_labels = tuple(kolommen)
    tekst_rijen = []
    getallen = []
    for rij in rij_labels:
        teksten = []
        waarden: list[int | None] = []
        for kol in kol_labels:
            per_gemeente = [deel.get((rij, kol), 0) for deel in delen]
            tekst = toon_aantal(per_gemeente[0]) if len(delen) == 1 else toon_hubcel(per_gemeente)
            teksten.append(tekst)
            waarden.append(int(tekst) if tekst.isdigit() else None)
        tekst_rijen.append((rij, tuple(teksten)))
        getallen.append(tuple(waarden))
    return Tabel(sleutel, titel, rijkop, kol_labels, tuple(tekst_rijen), tuple(getallen))


# (key, title, row header, fixed rows or None for "as found", fixed columns or None)
TABELLEN: tuple[tuple[str, str, str], ...] = (
    ("signalen", "Signalen per maand en soort bron", "Maand"),
    ("wegingen", "Uitkomsten van de weging", "Uitkomst"),
    ("fasen", "Casussen per fase (stand van vandaag)", "Fase"),
    ("reviews", "Herbeoordelingen over de datum (stand van vandaag)", "Casussen"),
    ("verzoeken", "Verzoeken van betrokkenen per soort en afhandeling", "Soort verzoek"),
    ("vernietigd", "Vernietigd na afloop van de bewaartermijn of weging", "Soort"),
)
DUREN: tuple[tuple[str, str], ...] = (
    ("signaal_weging", "Van signaal tot vastgestelde weging (mediaan)"),
    ("intake_plan", "Van intake tot vastgesteld plan van aanpak (mediaan)"),
    ("casusduur", "Duur van afgesloten casussen (mediaan)"),
)


def weergave(
    per_gemeente: Iterable[Cijfers],
    *,
    vaste_rijen: Mapping[str, Iterable[str]],
    vaste_kolommen: Mapping[str, Iterable[str]],
) -> Weergave:
    """What may be shown of one municipality's figures, or of several summed (the hub's):
    every small cell suppressed, every derivable hub cell hidden, every duration guarded."""
    delen = list(per_gemeente) or [Cijfers()]
    som = optellen(delen)
    tabellen = []
    for sleutel, titel, rijkop in TABELLEN:
        cellen = som.aantallen.get(sleutel, {})
        rijen = list(vaste_rijen.get(sleutel) or sorted({r for r, _ in cellen}))
        kolommen = list(vaste_kolommen.get(sleutel) or sorted({k for _, k in cellen}) or ["aantal"])
        tabellen.append(
            _tabel(
                sleutel,
                titel,
                rijkop,
                [d.aantallen.get(sleutel, {}) for d in delen],
                rijen,
                kolommen,
            )
        )
    duren = tuple(
        (sleutel, label, toon_duur(som.duren.get(sleutel, []))) for sleutel, label in DUREN
    )
    return Weergave(tuple(tabellen), duren)
