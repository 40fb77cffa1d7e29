"""Invited third parties (rule 3): one casus, one meeting, a time window, a scope. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta

from casushub.tenants.casus.errors import GeenToegang, RegelFout

__all__ = ["controleer_gebruik", "controleer_uitnodiging", "in_venster", "vervalt_op"]


def vervalt_op(einde_bijeenkomst: datetime, uitloop_uren: int) -> datetime:
    return einde_bijeenkomst + timedelta(hours=uitloop_uren)


def controleer_uitnodiging(
    *, reden: str, item_ids: Collection[uuid.UUID], nu: datetime, einde_bijeenkomst: datetime
) -> None:
    if not reden.strip():
        raise RegelFout(
            "Leg vast waarom deze partij nodig is voor de bespreking (noodzaak).", "reden"
        )
    if not item_ids:
        raise RegelFout("Kies de informatie die met deze partij wordt gedeeld.", "items")
    if einde_bijeenkomst <= nu:
        raise RegelFout("De bijeenkomst is al voorbij.", "bijeenkomst")


def in_venster(*, nu: datetime, uitgenodigd_op: datetime, vervalt: datetime) -> bool:
    """The invitation's window: from the moment of inviting until it lapses, both included."""
    return uitgenodigd_op <= nu <= vervalt


def controleer_gebruik(
    *,
    nu: datetime,
    uitgenodigd_op: datetime,
    vervalt: datetime,
    geaccepteerd_op: datetime | None,
    ingetrokken: bool,
) -> None:
    """Refuse unless the invitation is accepted, not withdrawn and inside its window."""
    if ingetrokken:
        raise GeenToegang("Deze uitnodiging is ingetrokken.")
    if geaccepteerd_op is None:
        raise GeenToegang("Accepteer eerst de geheimhoudingsplicht.")
    if not in_venster(nu=nu, uitgenodigd_op=uitgenodigd_op, vervalt=vervalt):
        raise GeenToegang("Deze uitnodiging is niet (meer) geldig.")
