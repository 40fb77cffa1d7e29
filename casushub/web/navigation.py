"""The main navigation per role: what a person in the active context may open.

One table, :data:`HOOFDMENU`, maps each role to its menu items; ``base.html`` renders it for
the active context on every page (``hoofdmenu`` is a template global, see
:func:`registreer`). A screen that a role may use gets its item here, so that people find it by
links instead of by typing addresses; ``tests/browser/test_reachability.py`` fails when a page
route of a role cannot be reached from its werkruimte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casushub.platform.identity.access import Identity
from casushub.platform.identity.roles import Role

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["HOOFDMENU", "KIES_ROL", "WERKRUIMTE", "MenuItem", "hoofdmenu", "registreer"]


@dataclass(frozen=True, slots=True)
class MenuItem:
    label: str
    href: str


WERKRUIMTE = MenuItem("Werkruimte", "/werkruimte")
KIES_ROL = MenuItem("Kies uw rol", "/auth/context")

_CASUSOVERLEG = MenuItem("Casusoverleg", "/casusoverleg")
_SIGNAAL = MenuItem("Signaal inbrengen", "/casusoverleg/signalen/nieuw")
_ZOEKEN = MenuItem("Zoeken", "/casusoverleg/zoeken")
_BEWAARTERMIJNEN = MenuItem("Bewaartermijnen", "/bewaartermijnen/proefrun")
_RAADPLEGINGEN = MenuItem("Raadplegingen", "/contactpunt-taken/raadplegingen")

HOOFDMENU: dict[Role, tuple[MenuItem, ...]] = {
    Role.PLATFORM_OPERATOR: (WERKRUIMTE, MenuItem("Hubs", "/platform/hubs")),
    Role.HUB_ADMIN: (
        WERKRUIMTE,
        MenuItem("Gemeenten", "/hub/gemeenten"),
        MenuItem("Organisaties", "/hub/organisaties"),
        MenuItem("Gebruikers", "/hub/gebruikers"),
        MenuItem("Casusoverleggen", "/hub/casusoverleggen"),
        MenuItem("Instructies", "/hub/instructies"),
        MenuItem("Huisstijl", "/hub/huisstijl"),
        MenuItem("Auditlog", "/hub/audit"),
        MenuItem("API-tokens", "/hub/api-tokens"),
    ),
    Role.PROCESREGISSEUR: (WERKRUIMTE, _CASUSOVERLEG, _SIGNAAL, _ZOEKEN, _BEWAARTERMIJNEN),
    Role.GEMEENTE_REGIE: (
        WERKRUIMTE,
        _CASUSOVERLEG,
        _SIGNAAL,
        _ZOEKEN,
        MenuItem("Verzoeken van betrokkenen", "/contactpunt-taken"),
        _RAADPLEGINGEN,
        _BEWAARTERMIJNEN,
    ),
    Role.CONTACTPUNT: (
        WERKRUIMTE,
        MenuItem("Verzoeken", "/contactpunt-taken"),
        MenuItem("Verzoek registreren", "/contactpunt-taken/nieuw"),
    ),
    Role.PARTICIPANT: (WERKRUIMTE, _CASUSOVERLEG, _SIGNAAL, _ZOEKEN, _RAADPLEGINGEN),
    Role.INVITED_PARTY: (
        WERKRUIMTE,
        MenuItem("Mijn uitnodigingen", "/casusoverleg"),
        _RAADPLEGINGEN,
    ),
    Role.FG_AUDITOR: (
        WERKRUIMTE,
        MenuItem("Verwerkingenlog", "/fg"),
        _BEWAARTERMIJNEN,
        MenuItem("Instructies", "/fg/instructies"),
    ),
}


def hoofdmenu(identity: Identity | None) -> tuple[MenuItem, ...]:
    """The menu of the active context; a person still to choose a role gets that link only."""
    if identity is None or not identity.has_access:
        return ()
    if identity.active is None:
        return (KIES_ROL,)
    return HOOFDMENU.get(identity.active.role, (WERKRUIMTE,))


def _voor_request(request: Any) -> tuple[MenuItem, ...]:
    user = request.scope.get("user") if request is not None else None
    return hoofdmenu(user if isinstance(user, Identity) else None)


def registreer(environment: Environment) -> None:
    """Make ``hoofdmenu(request)`` available to every template (base.html calls it)."""
    environment.globals["hoofdmenu"] = _voor_request
