"""Plan van aanpak: due date, overdue flag, who may carry out an intervention. No I/O."""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date, timedelta

from casushub.tenants.casus.errors import RegelFout

__all__ = [
    "DOMEINEN",
    "InterventieStatus",
    "controleer_interventie",
    "interventie_te_laat",
    "plan_te_laat",
    "plan_uiterlijk",
]

DOMEINEN = {
    "zorg": "zorg",
    "wonen": "wonen",
    "werk_inkomen": "werk en inkomen",
    "onderwijs": "onderwijs",
    "bestuurlijk": "bestuurlijk",
    "strafrechtelijk": "strafrechtelijk",
    "overig": "overig",
}
# Organisation types that take part in the casusoverleg by law (deelnemers).
DEELNEMER_TYPES = frozenset({"gemeente", "politie", "om", "reclassering", "rvdk", "jenv"})


class InterventieStatus(enum.StrEnum):
    GEPLAND = "gepland"
    LOPEND = "lopend"
    AFGEROND = "afgerond"
    GESTOPT = "gestopt"


def plan_uiterlijk(intake: date, weken: int) -> date:
    return intake + timedelta(weeks=weken)


def plan_te_laat(*, uiterlijk: date | None, vastgesteld_op: date | None, vandaag: date) -> bool:
    return uiterlijk is not None and vastgesteld_op is None and vandaag > uiterlijk


def interventie_te_laat(*, status: str, deadline: date | None, vandaag: date) -> bool:
    """An intervention still open after its due date is flagged (finished or stopped ones
    are not: their outcome is recorded)."""
    return (
        deadline is not None
        and status in {InterventieStatus.GEPLAND, InterventieStatus.LOPEND}
        and vandaag > deadline
    )


def controleer_interventie(
    *,
    omschrijving: str,
    domein: str,
    verantwoordelijke_id: object,
    verantwoordelijke_type: str,
    bevoegdheid: str,
    deelnemer_ids: Collection[object],
    opdrachtgever_id: object | None,
    opdracht: str | None,
) -> None:
    """The casusoverleg has no powers: every intervention names who acts, under which power.

    A participant must take part in the casus; an invited third party may only act when a
    participant of the casus commissioned it, and that commission is recorded.
    """
    if not omschrijving.strip():
        raise RegelFout("Beschrijf de interventie.", "omschrijving")
    if domein not in DOMEINEN:
        raise RegelFout("Kies een domein.", "domein")
    if not bevoegdheid.strip():
        raise RegelFout(
            "Vermeld de bevoegdheid of wettelijke grondslag waaronder de verantwoordelijke "
            "handelt; het casusoverleg heeft zelf geen bevoegdheden.",
            "bevoegdheid",
        )
    if verantwoordelijke_type in DEELNEMER_TYPES:
        if verantwoordelijke_id not in deelnemer_ids:
            raise RegelFout(
                "De verantwoordelijke neemt niet deel aan deze casus.", "verantwoordelijke"
            )
        return
    if opdrachtgever_id is None or opdrachtgever_id not in deelnemer_ids or not (opdracht or ""):
        raise RegelFout(
            "Een uitgenodigde partij kan alleen verantwoordelijk zijn in opdracht van een "
            "deelnemer aan deze casus; leg de opdrachtgever en de opdracht vast.",
            "opdrachtgever",
        )
