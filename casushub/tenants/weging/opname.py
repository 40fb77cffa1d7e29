"""Wegingen that concluded "opname" but whose casus was not made yet: the person was weighed in,
and the intake itself (a separate step) is still to be done. Without this list a weging left
on its intake page could only be found again through its URL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.toegang import vereis_regie
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many
from casushub.tenants.weging.models import Weging
from casushub.tenants.weging.rules import Uitkomst

__all__ = ["WachtOpOpname", "aantal_wachtend_op_opname", "wachtend_op_opname"]


@dataclass(frozen=True)
class WachtOpOpname:
    weging_id: uuid.UUID
    naam: str
    gewogen_op: date


def _wachtend() -> tuple[ColumnElement[bool], ...]:
    return (
        Weging.uitkomst == Uitkomst.OPNAME.value,
        Weging.vastgesteld_op.is_not(None),
        ~select(Casus.id).where(Casus.weging_id == Weging.id).exists(),
    )


async def aantal_wachtend_op_opname(session: AsyncSession, actor: Actor) -> int:
    """How many (a count, no personal data): for the werkruimte."""
    vereis_regie(actor)
    n = await session.scalar(select(func.count()).select_from(Weging).where(*_wachtend()))
    return int(n or 0)


async def wachtend_op_opname(session: AsyncSession, actor: Actor) -> list[WachtOpOpname]:
    """The wegingen awaiting their intake, oldest first, each read logged with its person."""
    vereis_regie(actor)
    rows = (
        await session.execute(
            select(Weging.id, Persoon.id.label("persoon_id"), Persoon.naam, Weging.datum)
            .join(Signaal, Signaal.id == Weging.signaal_id)
            .join(Persoon, Persoon.id == Signaal.persoon_id)
            .where(*_wachtend())
            .order_by(Weging.datum, Weging.id)
        )
    ).all()
    await record_many(
        session,
        actor,
        [Regel(Actie.READ, "weging", "opname voorbereiden", persoon_id=r.persoon_id) for r in rows],
    )
    return [WachtOpOpname(row.id, row.naam, row.datum) for row in rows]
