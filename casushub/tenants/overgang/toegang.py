"""Who may work on the overgangsvoorraad, and the data group its log entries name."""

from __future__ import annotations

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang
from casushub.tenants.casus.rules import REGIE_ROLLEN

# Who may upload a municipality's convenant cases: its regie, or the hub's admin for it.
IMPORT_ROLLEN = frozenset({"gemeente_regie", "hub_admin", "systeem"})
GEGEVENSGROEP = "overgangszaak"


def vereis_import(actor: Actor) -> None:
    if actor.role not in IMPORT_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) of de hubbeheerder kan zaken inlezen.")


def vereis_regie(actor: Actor) -> None:
    if actor.role not in REGIE_ROLLEN:
        raise GeenToegang("Alleen de gemeente (regie) of de procesregisseur kan dit doen.")
