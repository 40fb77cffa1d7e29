"""Paging arithmetic and the links between pages (pure rules)."""

from __future__ import annotations

from casushub.tenants.paginering import Pagina, paginanummer
from casushub.web.paginering import bladerlinks, gevraagde_paginas


def test_page_number_is_kept_within_the_list() -> None:
    assert paginanummer(1, 0, 25) == 1
    assert paginanummer(0, 100, 25) == 1
    assert paginanummer(-5, 100, 25) == 1
    assert paginanummer(4, 100, 25) == 4
    assert paginanummer(5, 100, 25) == 4
    assert paginanummer(5, 101, 25) == 5


def test_page_positions() -> None:
    pagina = Pagina(["x", "y"], nummer=3, totaal=52, grootte=25)
    assert (pagina.eerste, pagina.laatste, pagina.aantal_paginas) == (51, 52, 3)
    leeg = Pagina[str]([], nummer=1, totaal=0, grootte=25)
    assert (leeg.eerste, leeg.laatste, leeg.aantal_paginas) == (0, 0, 1)


def test_requested_pages_accept_only_plain_numbers() -> None:
    query = {"pagina_a": "3", "pagina_b": "²", "pagina_c": "x", "pagina_d": "1234567"}
    assert gevraagde_paginas(query, ("a", "b", "c", "d", "e")) == {
        "a": 3,
        "b": 1,
        "c": 1,
        "d": 1,
        "e": 1,
    }


def test_links_keep_the_other_lists_on_their_page() -> None:
    lijsten = {
        "a": Pagina(["r"] * 25, nummer=2, totaal=60, grootte=25),
        "b": Pagina(["r"] * 25, nummer=1, totaal=30, grootte=25),
    }
    a = bladerlinks("/p", lijsten, "a")
    assert a.vorige == "/p#lijst-a", "page 1 of every list needs no parameter"
    assert a.volgende == "/p?pagina_a=3#lijst-a"
    b = bladerlinks("/p", lijsten, "b")
    assert b.vorige is None
    assert b.volgende == "/p?pagina_a=2&pagina_b=2#lijst-b"
