"""Links between the pages of a screen with several paged lists (``?pagina_<lijst>=N``).

Each list keeps its own page number in the query string, so paging through one list leaves
the others where they were; the link ends in the list's anchor so the reader lands on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from casushub.tenants.paginering import Pagina

__all__ = ["Bladerlinks", "bladerlinks", "gevraagde_paginas"]

_MAX_CIJFERS = 6


def gevraagde_paginas(query: Mapping[str, str], lijsten: tuple[str, ...]) -> dict[str, int]:
    """The requested page of each list; anything that is not a page number means page 1."""
    paginas = {}
    for lijst in lijsten:
        waarde = query.get(f"pagina_{lijst}", "")
        geldig = waarde.isascii() and waarde.isdigit() and len(waarde) <= _MAX_CIJFERS
        paginas[lijst] = int(waarde) if geldig else 1
    return paginas


@dataclass(frozen=True, slots=True)
class Bladerlinks:
    vorige: str | None
    volgende: str | None


def bladerlinks(pad: str, lijsten: Mapping[str, Pagina[Any]], lijst: str) -> Bladerlinks:
    """The previous/next links of ``lijst``; the other lists stay on the page they show."""
    huidig = {naam: pagina.nummer for naam, pagina in lijsten.items()}

    def naar(nummer: int) -> str:
        paginas = {**huidig, lijst: nummer}
        query = urlencode({f"pagina_{k}": v for k, v in paginas.items() if v > 1})
        return f"{pad}{'?' + query if query else ''}#lijst-{lijst}"

    pagina = lijsten[lijst]
    return Bladerlinks(
        vorige=naar(pagina.nummer - 1) if pagina.nummer > 1 else None,
        volgende=naar(pagina.nummer + 1) if pagina.nummer < pagina.aantal_paginas else None,
    )
