"""Rules for data-subject requests (docs/design.md §2 rule 8): pure functions, no database.

Deadlines follow art. 12(3) AVG as the EDPB reads it (Guidelines 01/2022 on the right of
access, § 5.3, with Regulation 1182/71 on periods): the day of receipt is day 0; "one month"
ends on the same date of the next month, or on that month's last day when the date does not
exist (31 January → 28/29 February); a period ending on a Saturday, Sunday or public holiday
ends on the next working day (here: the holidays of the Algemene termijnenwet, art. 3). An
extension of at most two further months needs a reasoned notice to the person sent before
the running deadline has passed.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from casushub.platform.fouten import RegelFout

__all__ = [
    "BEPERKING_GRONDEN",
    "CONSULTATIE_DAGEN",
    "MAX_VERLENGING_MAANDEN",
    "Beperkingsstatus",
    "Besluituitkomst",
    "Consultatiestatus",
    "Kanaal",
    "VerzoekRegelFout",
    "VerzoekStatus",
    "VerzoekType",
    "add_months",
    "beperking_vervalt",
    "check_beperking",
    "check_besluit",
    "check_consultatie_dagen",
    "check_overgang",
    "check_verlenging",
    "consultatie_termijn",
    "feestdagen",
    "is_werkdag",
    "ontvangstnummer",
    "termijn",
    "valideer_ontvangstnummer",
    "werkdag_op_of_na",
]

MAX_VERLENGING_MAANDEN = 2
# Participants answer well before the contactpunt must decide.
CONSULTATIE_DAGEN = 14
CONSULTATIE_MARGE_DAGEN = 5
# A restriction must be looked at again within half a year (a running investigation changes).
MAX_BEPERKING_DAGEN = 183


class VerzoekRegelFout(RegelFout):
    """A rule for requests was broken; the message is fit for the user (Dutch)."""


class VerzoekType(enum.StrEnum):
    INZAGE = "inzage"
    RECTIFICATIE = "rectificatie"
    VERWIJDERING = "verwijdering"
    BEPERKING = "beperking"
    BEZWAAR = "bezwaar"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    VerzoekType.INZAGE: "Inzage: weten welke gegevens er over mij zijn",
    VerzoekType.RECTIFICATIE: "Verbetering: onjuiste gegevens laten aanpassen",
    VerzoekType.VERWIJDERING: "Verwijdering: gegevens laten wissen",
    VerzoekType.BEPERKING: "Beperking: het gebruik van gegevens tijdelijk laten stoppen",
    VerzoekType.BEZWAAR: "Bezwaar: bezwaar maken tegen het gebruik van mijn gegevens",
}


class Kanaal(enum.StrEnum):
    WEBFORMULIER = "webformulier"
    BRIEF = "brief"
    EMAIL = "email"
    BALIE = "balie"
    DOORGESTUURD = "doorgestuurd"


class VerzoekStatus(enum.StrEnum):
    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in_behandeling"
    BESLOTEN = "besloten"
    UITGEVOERD = "uitgevoerd"
    # The gemeente van verblijf is not on this hub: pass the request on by hand.
    OVERDRACHT = "overdracht"
    OVERGEDRAGEN = "overgedragen"
    INGETROKKEN = "ingetrokken"


_OVERGANGEN: dict[VerzoekStatus, frozenset[VerzoekStatus]] = {
    # OVERDRACHT from a running request: the person moved to a municipality not on the hub
    # (docs/design.md rule 10); the contactpunt moves with them.
    VerzoekStatus.ONTVANGEN: frozenset(
        {
            VerzoekStatus.IN_BEHANDELING,
            VerzoekStatus.BESLOTEN,
            VerzoekStatus.INGETROKKEN,
            VerzoekStatus.OVERDRACHT,
        }
    ),
    VerzoekStatus.IN_BEHANDELING: frozenset(
        {VerzoekStatus.BESLOTEN, VerzoekStatus.INGETROKKEN, VerzoekStatus.OVERDRACHT}
    ),
    VerzoekStatus.BESLOTEN: frozenset({VerzoekStatus.UITGEVOERD}),
    VerzoekStatus.OVERDRACHT: frozenset({VerzoekStatus.OVERGEDRAGEN}),
    VerzoekStatus.UITGEVOERD: frozenset(),
    VerzoekStatus.OVERGEDRAGEN: frozenset(),
    VerzoekStatus.INGETROKKEN: frozenset(),
}


def check_overgang(huidig: VerzoekStatus, nieuw: VerzoekStatus) -> None:
    if nieuw not in _OVERGANGEN[huidig]:
        msg = f"Een verzoek met status {huidig.value} kan niet naar status {nieuw.value}."
        raise VerzoekRegelFout(msg)


class Besluituitkomst(enum.StrEnum):
    TOEGEWEZEN = "toegewezen"
    DEELS_TOEGEWEZEN = "deels_toegewezen"
    AFGEWEZEN = "afgewezen"


class Consultatiestatus(enum.StrEnum):
    OPEN = "open"
    BEANTWOORD = "beantwoord"


class Beperkingsstatus(enum.StrEnum):
    ACTIEF = "actief"
    VERVALLEN = "vervallen"
    OPGEHEVEN = "opgeheven"


# Grounds to withhold items from inzage: art. 41(1) UAVG (art. 23 AVG), the ones that occur in
# this casusoverleg. Keys are stored; texts are shown and recorded in the decision.
BEPERKING_GRONDEN: dict[str, str] = {
    "opsporing": (
        "Voorkoming, onderzoek, opsporing en vervolging van strafbare feiten "
        "(art. 41 lid 1 onder d UAVG), bijvoorbeeld een lopend strafrechtelijk onderzoek"
    ),
    "nationale_veiligheid": "Nationale veiligheid (art. 41 lid 1 onder a UAVG)",
    "openbare_veiligheid": "Openbare veiligheid (art. 41 lid 1 onder c UAVG)",
    "rechten_anderen": (
        "Bescherming van de betrokkene of van de rechten en vrijheden van anderen "
        "(art. 41 lid 1 onder i UAVG)"
    ),
}


# --- dates -----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same date ``months`` later, or the last day of that month when it has no such date."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_first = date(year + month // 12, month % 12 + 1, 1)
    last = (next_first - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _pasen(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def feestdagen(year: int) -> frozenset[date]:
    """Algemeen erkende feestdagen (Algemene termijnenwet art. 3) in ``year``."""
    pasen = _pasen(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:  # on a Sunday it is celebrated the day before
        koningsdag = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            pasen + timedelta(days=1),  # tweede paasdag
            pasen + timedelta(days=39),  # hemelvaartsdag
            pasen + timedelta(days=50),  # tweede pinksterdag
            koningsdag,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_werkdag(day: date) -> bool:
    return day.weekday() < 5 and day not in feestdagen(day.year)


def werkdag_op_of_na(day: date) -> date:
    while not is_werkdag(day):
        day += timedelta(days=1)
    return day


def termijn(ontvangen_op: date, verlenging_maanden: int = 0) -> date:
    """Last day to decide: one month after receipt (day 0), plus any extension."""
    if not 0 <= verlenging_maanden <= MAX_VERLENGING_MAANDEN:
        msg = f"Verlengen kan met hooguit {MAX_VERLENGING_MAANDEN} maanden."
        raise VerzoekRegelFout(msg)
    return werkdag_op_of_na(add_months(ontvangen_op, 1 + verlenging_maanden))


@dataclass(frozen=True)
class Verlenging:
    maanden_totaal: int
    nieuwe_termijn: date


MIN_REDEN_TEKENS = 20


def check_verlenging(
    *,
    ontvangen_op: date,
    al_verlengd_maanden: int,
    extra_maanden: int,
    reden: str,
    kennisgeving_op: date,
) -> Verlenging:
    """Allow an extension only with reasons, within two months in total, noticed in time.

    The notice must reach the person while the running deadline has not passed (art. 12(3)
    AVG: "binnen één maand na ontvangst van het verzoek"); sending it on the last day counts.
    """
    if extra_maanden < 1:
        msg = "Verleng met ten minste één maand."
        raise VerzoekRegelFout(msg)
    totaal = al_verlengd_maanden + extra_maanden
    if totaal > MAX_VERLENGING_MAANDEN:
        msg = (
            f"De termijn mag met hooguit {MAX_VERLENGING_MAANDEN} maanden worden verlengd; "
            f"er is al {al_verlengd_maanden} maand verlengd."
        )
        raise VerzoekRegelFout(msg)
    if len(reden.strip()) < MIN_REDEN_TEKENS:
        msg = "Geef de reden van de verlenging (ten minste 20 tekens); die gaat naar de betrokkene."
        raise VerzoekRegelFout(msg)
    lopend = termijn(ontvangen_op, al_verlengd_maanden)
    if kennisgeving_op > lopend:
        msg = (
            f"De termijn is op {lopend:%d-%m-%Y} verstreken; verlengen kan alleen met een "
            "kennisgeving die vóór het einde van de termijn is verstuurd."
        )
        raise VerzoekRegelFout(msg)
    if kennisgeving_op < ontvangen_op:
        msg = "De kennisgeving kan niet vóór de ontvangst van het verzoek zijn verstuurd."
        raise VerzoekRegelFout(msg)
    return Verlenging(totaal, termijn(ontvangen_op, totaal))


MAX_CONSULTATIE_DAGEN = 60


def check_consultatie_dagen(dagen: int) -> int:
    if not 1 <= dagen <= MAX_CONSULTATIE_DAGEN:
        msg = f"Geef de deelnemers tussen 1 en {MAX_CONSULTATIE_DAGEN} dagen om te reageren."
        raise VerzoekRegelFout(msg, "dagen")
    return dagen


def consultatie_termijn(
    geregistreerd_op: date, beslistermijn: date, dagen: int = CONSULTATIE_DAGEN
) -> date:
    """When participants must answer: after ``dagen`` (two weeks unless the contactpunt chose
    otherwise), but at least five days before the deadline."""
    gewoon = geregistreerd_op + timedelta(days=dagen)
    uiterst = beslistermijn - timedelta(days=CONSULTATIE_MARGE_DAGEN)
    return max(geregistreerd_op, min(gewoon, uiterst))


def check_besluit(uitkomst: Besluituitkomst, motivering: str, *, onthouden: int = 0) -> None:
    """One decision for all joint controllers, always with grounds the person can read.

    Withholding anything makes an inzage decision at most partly granted: the person must be
    able to see that something was left out, and on which ground.
    """
    if len(motivering.strip()) < MIN_REDEN_TEKENS:
        msg = "Motiveer het besluit (ten minste 20 tekens); de motivering gaat naar de betrokkene."
        raise VerzoekRegelFout(msg)
    if onthouden and uitkomst is Besluituitkomst.TOEGEWEZEN:
        msg = (
            "Er worden gegevens achtergehouden vanwege een beperking van inzage: "
            "het besluit is dan deels toegewezen."
        )
        raise VerzoekRegelFout(msg)


def check_beperking(grond: str, herzien_op: date, vandaag: date) -> None:
    if grond not in BEPERKING_GRONDEN:
        msg = "Kies een wettelijke grond om inzage te beperken."
        raise VerzoekRegelFout(msg)
    if herzien_op <= vandaag:
        msg = "De datum van herbeoordeling moet in de toekomst liggen."
        raise VerzoekRegelFout(msg)
    if herzien_op > vandaag + timedelta(days=MAX_BEPERKING_DAGEN):
        msg = "Een beperking moet binnen een half jaar opnieuw worden beoordeeld."
        raise VerzoekRegelFout(msg)


def beperking_vervalt(herzien_op: date, vandaag: date) -> bool:
    """A restriction not confirmed by its review date lapses at the end of that day."""
    return vandaag > herzien_op


# --- receipt numbers -------------------------------------------------------------------------

# Crockford's base-32 alphabet: no I, L, O or U, so it survives being read aloud or retyped.
_ALFABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _controle(body: str) -> str:
    # Position-weighted check character: one mistyped or two swapped characters show up.
    total = sum((i + 1) * _ALFABET.index(ch) for i, ch in enumerate(body))
    return _ALFABET[total % 31]


def ontvangstnummer(gemeentecode: str, jaar: int, willekeur: bytes | None = None) -> str:
    """A receipt number such as ``CP-0363-2026-7K3M-Q9XD``: unguessable, with a check character.

    Random rather than counted: no sequence (Citus path), and a number does not reveal how many
    requests a municipality gets.
    """
    raw = willekeur if willekeur is not None else secrets.token_bytes(5)
    value = int.from_bytes(raw[:5], "big")
    body = "".join(_ALFABET[(value >> (5 * i)) & 31] for i in range(7))
    body += _controle(body)
    return f"CP-{gemeentecode}-{jaar}-{body[:4]}-{body[4:]}"


def valideer_ontvangstnummer(nummer: str) -> bool:
    parts = nummer.strip().upper().split("-")
    if len(parts) != 5 or parts[0] != "CP":
        return False
    body = parts[3] + parts[4]
    if len(body) != 8 or any(ch not in _ALFABET for ch in body):
        return False
    return _controle(body[:7]) == body[7]
