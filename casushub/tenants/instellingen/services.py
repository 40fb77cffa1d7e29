"""Reading and changing the tenant's casusoverleg settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import GeenToegang, RegelFout
from casushub.tenants.instellingen.models import Instelling

__all__ = ["Wijziging", "lees_instellingen", "wijzig_instellingen"]


async def lees_instellingen(session: AsyncSession) -> Instelling:
    """The single settings row, created with the defaults on first use."""
    instelling = await session.scalar(select(Instelling))
    if instelling is None:
        instelling = Instelling(
            enkel=True,
            bsn_toegestaan=False,
            review_interval_maanden=12,
            plan_termijn_weken=4,
            heropen_termijn_dagen=14,
            uitnodiging_uitloop_uren=24,
        )
        session.add(instelling)
        await session.flush()
    return instelling


@dataclass(frozen=True, slots=True)
class Wijziging:
    bsn_toegestaan: bool = False
    bsn_grondslag: str | None = None
    review_interval_maanden: int = 12
    plan_termijn_weken: int = 4
    heropen_termijn_dagen: int = 14
    uitnodiging_uitloop_uren: int = 24


_GRENZEN = {
    "review_interval_maanden": (1, 24),
    "plan_termijn_weken": (1, 26),
    "heropen_termijn_dagen": (0, 90),
    "uitnodiging_uitloop_uren": (0, 168),
}


async def wijzig_instellingen(session: AsyncSession, actor: Actor, wijziging: Wijziging) -> None:
    # Settings are the municipality's decision, not the hub's (the hub is a processor).
    if actor.role not in {"gemeente_regie", "systeem"}:
        raise GeenToegang("Alleen de gemeente kan de instellingen van het casusoverleg wijzigen.")
    grondslag = (wijziging.bsn_grondslag or "").strip() or None
    if wijziging.bsn_toegestaan and grondslag is None:
        raise RegelFout(
            "BSN kan alleen worden aangezet met een wettelijke grondslag.", "bsn_grondslag"
        )
    for field, (low, high) in _GRENZEN.items():
        value = getattr(wijziging, field)
        if not low <= value <= high:
            raise RegelFout(f"Kies een waarde tussen {low} en {high}.", field)
    instelling = await lees_instellingen(session)
    instelling.bsn_toegestaan = wijziging.bsn_toegestaan
    instelling.bsn_grondslag = grondslag
    for field in _GRENZEN:
        setattr(instelling, field, getattr(wijziging, field))
    await session.flush()
