"""The pattern library: every layout macro on one page, with fictitious data.

Screen builders see here how the macros look and behave, and the browser tests
(tests/browser) run axe, the CSP check and the keyboard checks on them — so the patterns that
later screens reuse are proven accessible in a real browser. Registered only outside
production (see casushub/web/app.py); it holds no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from casushub.tenants.paginering import Pagina
from casushub.web.auth.guards import public
from casushub.web.formulieren import FORMULIER, Formulier
from casushub.web.paginering import bladerlinks

__all__ = ["pattern_handlers"]

PATH = "/ontwikkeling/patronen"

COLUMNS = [
    {"key": "naam", "label": "Gemeente", "sortable": True},
    {"key": "casussen", "label": "Open casussen", "sortable": True, "numeric": True},
    {"key": "overleg", "label": "Volgend overleg", "sortable": True},
]
ROWS: list[dict[str, Any]] = [
    {"naam": "Oostdam", "casussen": 4, "overleg": "2026-12-03"},
    {"naam": "Westwoude", "casussen": 11, "overleg": "2026-12-01"},
    {"naam": "Noordhaven", "casussen": 0, "overleg": "2026-12-10"},
    {"naam": "Zuidveen", "casussen": 7, "overleg": "2026-12-08"},
]
SOORTEN = [("", "Kies een soort"), ("gemeente", "Gemeente"), ("partner", "Partnerorganisatie")]
NAVIGATION = [
    {"label": "Start", "href": "/"},
    {"label": "Patronen", "href": PATH},
    {"label": "Toegankelijkheid", "href": "/toegankelijkheid"},
]

# Page 2 of 3 of a list of 60: shows the paging with both links.
VOORBEELDPAGINA = Pagina(ROWS, nummer=2, totaal=60)


@dataclass
class Voorbeeldformulier(Formulier):
    naam: str = ""
    code: str = ""
    soort: str = ""
    toelichting: str = ""


def _context(
    sorteer: str | None = None,
    richting: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    deleted: bool = False,
) -> dict[str, Any]:
    keys = {c["key"] for c in COLUMNS}
    sort = sorteer if sorteer in keys else None
    direction = "aflopend" if richting == "aflopend" else "oplopend"
    rows = sorted(ROWS, key=lambda r: r[sort], reverse=direction == "aflopend") if sort else ROWS
    return {
        "columns": COLUMNS,
        "rows": rows,
        "sort": sort,
        "direction": direction,
        "url": PATH,
        "soorten": SOORTEN,
        "values": values or {},
        "errors": errors or {},
        "saved": saved,
        "deleted": deleted,
        "navigation": NAVIGATION,
        "voorbeeldpagina": VOORBEELDPAGINA,
        "voorbeeldlinks": bladerlinks(PATH, {"gemeenten": VOORBEELDPAGINA}, "gemeenten"),
    }


def _validate(data: Voorbeeldformulier) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.naam.strip():
        errors["naam"] = "Vul de naam van de organisatie in"
    code = data.code.strip()
    if not (len(code) == 4 and code.isdigit()):
        errors["code"] = "Vul een gemeentecode van 4 cijfers in, bijvoorbeeld 0363"
    if data.soort not in {value for value, _ in SOORTEN if value}:
        errors["soort"] = "Kies de soort organisatie"
    return errors


class PatronenController(Controller):
    path = "/ontwikkeling/patronen"
    opt = public()

    @get("", sync_to_thread=False, name="patronen")
    def patronen(
        self,
        sorteer: FromQuery[str | None] = None,
        richting: FromQuery[str | None] = None,
        verwijderd: FromQuery[bool] = False,
    ) -> Template:
        return Template(
            "patterns/index.html", context=_context(sorteer, richting, deleted=verwijderd)
        )

    @post("", sync_to_thread=False, name="patronen-formulier")
    def patronen_formulier(self, data: Annotated[Voorbeeldformulier, FORMULIER]) -> Template:
        errors = _validate(data)
        # 422 with the form re-rendered: htmx is configured to swap 422 (base.html htmx-config).
        return Template(
            "patterns/index.html",
            context=_context(values=data.waarden(), errors=errors, saved=not errors),
            status_code=422 if errors else 200,
        )

    @post("/verwijderen", sync_to_thread=False, name="patronen-verwijderen")
    def patronen_verwijderen(self) -> Redirect:
        # Post/redirect/get: a reload does not repeat the (pretend) destructive action.
        return Redirect(PATH + "?verwijderd=true", status_code=303)


pattern_handlers = [PatronenController]
