"""Dependencies and input parsing shared by the casusoverleg controllers."""

from __future__ import annotations

from datetime import date

from litestar import Controller
from litestar.di import Provide

from casushub.platform.fouten import RegelFouten
from casushub.web.casusoverleg.context import provide_actor
from casushub.web.casusoverleg.scherm import provide_scherm
from casushub.web.formulieren import DATUM_FOUT, als_uuid, datumveld
from casushub.web.invoer import datum
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["DEPS", "CasusoverlegBasis", "als_uuid", "datum", "datum_in"]

DEPS = {
    "tenant": Provide(provide_tenant),
    "db": Provide(provide_tenant_db),
    "actor": Provide(provide_actor),
    "scherm": Provide(provide_scherm),
}


class CasusoverlegBasis(Controller):
    """A screen area of the casusoverleg: below /casusoverleg, with the dependencies above.
    Each subclass says which roles it opens to (``opt``)."""

    path = "/casusoverleg"
    dependencies = DEPS


def datum_in(
    waarde: str,
    veld: str,
    fouten: dict[str, str],
    *,
    verplicht: str | None = None,
    melding: str = DATUM_FOUT,
) -> date | None:
    """A date field of a form that lists every error at once: a refusal (not a date, or
    empty while ``verplicht`` says what to fill in) joins ``fouten`` and gives None."""
    try:
        dag = datumveld(waarde, veld, melding)
    except RegelFouten as fout:
        fouten |= fout.fouten
        return None
    if dag is None and verplicht:
        fouten[veld] = verplicht
    return dag
