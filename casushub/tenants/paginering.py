"""Pages of a long list: which rows to fetch, and what a screen says about the rest.

A list screen shows (and logs in the verwerkingenlog) only the rows on its page: a
municipality with thousands of casussen must not render, and log as read, all of them on
every visit (the law's data minimisation, AVG art. 5(1)(c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["PAGINAGROOTTE", "Pagina", "aantal_paginas", "paginanummer"]

PAGINAGROOTTE = 25
T = TypeVar("T")


def aantal_paginas(totaal: int, grootte: int = PAGINAGROOTTE) -> int:
    """How many pages ``totaal`` rows take; an empty list still has its one (empty) page."""
    return max(1, -(-totaal // grootte))


def paginanummer(gevraagd: int, totaal: int, grootte: int = PAGINAGROOTTE) -> int:
    """The page to show: a number past the end shows the last page, below 1 the first."""
    return min(max(1, gevraagd), aantal_paginas(totaal, grootte))


@dataclass(frozen=True)
class Pagina(Generic[T]):
    regels: list[T]
    nummer: int
    totaal: int
    grootte: int = PAGINAGROOTTE

    @property
    def aantal_paginas(self) -> int:
        return aantal_paginas(self.totaal, self.grootte)

    @property
    def eerste(self) -> int:
        """1-based position of the first row shown (0 when the list is empty)."""
        return (self.nummer - 1) * self.grootte + 1 if self.regels else 0

    @property
    def laatste(self) -> int:
        return self.eerste + len(self.regels) - 1 if self.regels else 0
