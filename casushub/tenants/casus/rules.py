"""Rules of a casus under the Wet: intake, status, review, closure, visibility. No I/O."""

from __future__ import annotations

import calendar
import enum
from datetime import date, timedelta

from casushub.tenants.casus.errors import RegelFout

__all__ = [
    "DEELNEMER_ROL",
    "REGIE_ROLLEN",
    "UITGENODIGD_ROL",
    "WETTELIJKE_GRONDSLAG",
    "Categorie",
    "Status",
    "add_months",
    "controleer_afsluiting",
    "controleer_heropenen",
    "controleer_opname",
    "controleer_statusovergang",
    "direct_zichtbaar",
    "review_verlopen",
    "uitgenodigde_mag_zien",
]

# Rule 1: the one legal basis a casus here can have; other case types are not accepted.
WETTELIJKE_GRONDSLAG = (
    "Wet gegevensverwerking persoonsgerichte aanpak radicalisering en terroristische activiteiten"
)
# Roles that act for the municipality on all of its cases (the procesregisseur under mandate).
REGIE_ROLLEN = frozenset({"gemeente_regie", "procesregisseur", "systeem"})
DEELNEMER_ROL = "participant"
UITGENODIGD_ROL = "invited_party"


class Status(enum.StrEnum):
    AANGEMELD = "aangemeld"
    LOPEND = "lopend"
    MONITOREN = "monitoren"
    AFGESLOTEN = "afgesloten"


class Categorie(enum.StrEnum):
    GEWOON = "gewoon"
    BIJZONDER = "bijzonder"
    STRAFRECHTELIJK = "strafrechtelijk"


_OVERGANGEN = {
    Status.AANGEMELD: {Status.LOPEND, Status.AFGESLOTEN},
    Status.LOPEND: {Status.MONITOREN, Status.AFGESLOTEN},
    Status.MONITOREN: {Status.LOPEND, Status.AFGESLOTEN},
    Status.AFGESLOTEN: set(),
}


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def controleer_opname(*, uitkomst: str | None, vastgesteld: bool, heeft_casus: bool) -> None:
    """Rule 2: a casus only from a finalised weging with outcome 'opname', once."""
    if not vastgesteld or uitkomst != "opname":
        raise RegelFout(
            "Een casus kan alleen worden aangemaakt na een vastgestelde weging met uitkomst "
            "'opname in casusoverleg'.",
            "weging",
        )
    if heeft_casus:
        raise RegelFout("Voor deze weging is al een casus aangemaakt.", "weging")


def review_verlopen(*, status: str, volgende_review: date | None, vandaag: date) -> bool:
    return status != Status.AFGESLOTEN and volgende_review is not None and volgende_review < vandaag


def controleer_statusovergang(
    *,
    van: str,
    naar: str,
    vandaag: date,
    volgende_review: date | None,
    monitoren_sinds: date | None,
    laatste_herbeoordeling: date | None,
) -> Status:
    """Allowed moves; closing goes through ``controleer_afsluiting`` instead.

    Back to ``lopend`` from ``monitoren`` needs a re-assessment against the five criteria
    recorded since monitoring began, and an overdue review blocks ``lopend`` altogether until
    a re-assessment (which moves the review date) is recorded.
    """
    try:
        doel, huidig = Status(naar), Status(van)
    except ValueError:
        raise RegelFout("Onbekende status.", "status") from None
    if doel is Status.AFGESLOTEN:
        raise RegelFout("Sluit een casus af met een reden en een datum.", "status")
    if doel not in _OVERGANGEN[huidig]:
        raise RegelFout(f"Een casus kan niet van '{huidig}' naar '{doel}'.", "status")
    if doel is Status.LOPEND:
        if review_verlopen(status=huidig, volgende_review=volgende_review, vandaag=vandaag):
            raise RegelFout(
                "De periodieke noodzaaktoets is verlopen: leg eerst een herbeoordeling aan de "
                "hand van de vijf criteria vast.",
                "status",
            )
        if huidig is Status.MONITOREN and (
            laatste_herbeoordeling is None
            or monitoren_sinds is None
            or laatste_herbeoordeling < monitoren_sinds
        ):
            raise RegelFout(
                "Terug naar 'lopend' kan alleen na een vastgelegde herbeoordeling aan de hand "
                "van de vijf criteria.",
                "status",
            )
    return doel


def controleer_afsluiting(*, status: str, reden: str, datum: date | None, vandaag: date) -> date:
    if status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is al afgesloten.", "status")
    if not reden.strip():
        raise RegelFout("Geef de reden van afsluiting.", "reden")
    if datum is None:
        raise RegelFout("Geef de datum van afsluiting.", "datum")
    if datum > vandaag:
        raise RegelFout("De datum van afsluiting kan niet in de toekomst liggen.", "datum")
    return datum


def controleer_heropenen(
    *, status: str, afgesloten_geregistreerd: date | None, vandaag: date, termijn_dagen: int
) -> None:
    if status != Status.AFGESLOTEN or afgesloten_geregistreerd is None:
        raise RegelFout("Alleen een afgesloten casus kan worden heropend.", "status")
    if vandaag > afgesloten_geregistreerd + timedelta(days=termijn_dagen):
        raise RegelFout(
            f"Heropenen kan alleen binnen {termijn_dagen} dagen na het afsluiten.", "status"
        )


def direct_zichtbaar(*, rol: str, categorie: str) -> bool:
    """Rule 4: special and criminal items are never shown in passing.

    Invited parties never see them; everyone else sees them only by an explicit action that
    records the purpose (``toon_item``).
    """
    return categorie == Categorie.GEWOON


def uitgenodigde_mag_zien(categorie: str) -> bool:
    return categorie == Categorie.GEWOON
