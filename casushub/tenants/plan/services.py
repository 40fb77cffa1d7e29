"""The plan van aanpak: one per casus, interventions under each participant's own power."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import NietGevonden, RegelFout
from casushub.tenants.casus.models import Casus, CasusDeelnemer
from casushub.tenants.casus.rules import Status
from casushub.tenants.casus.toegang import laad_casus, laad_toegankelijke_casus, log, vereis_regie
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.plan.rules import InterventieStatus, controleer_interventie
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = [
    "InterventieInvoer",
    "lees_plan",
    "stel_plan_vast",
    "voeg_interventie_toe",
    "wijzig_interventie",
]


async def _plan(session: AsyncSession, casus: Casus) -> Plan:
    plan = await session.scalar(select(Plan).where(Plan.casus_id == casus.id))
    if plan is None:
        plan = Plan(casus_id=casus.id, doel="")
        session.add(plan)
        await session.flush()
    return plan


@dataclass(frozen=True, slots=True)
class PlanWeergave:
    plan: Plan
    interventies: list[Interventie]


async def lees_plan(session: AsyncSession, actor: Actor, casus_id: uuid.UUID) -> PlanWeergave:
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    plan = await _plan(session, casus)
    interventies = list(
        (
            await session.execute(
                select(Interventie)
                .where(Interventie.plan_id == plan.id)
                .order_by(Interventie.created_at, Interventie.id)
            )
        ).scalars()
    )
    await log(session, actor, Actie.READ, "plan", "plan van aanpak", casus_id=casus.id)
    return PlanWeergave(plan, interventies)


@dataclass(frozen=True, slots=True)
class InterventieInvoer:
    omschrijving: str
    domein: str
    verantwoordelijke_id: uuid.UUID
    verantwoordelijke_type: str
    bevoegdheid: str
    deadline: date | None = None
    reviewdatum: date | None = None
    opdrachtgever_id: uuid.UUID | None = None
    opdracht: str | None = None


async def voeg_interventie_toe(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, invoer: InterventieInvoer
) -> Interventie:
    vereis_regie(actor)
    casus = await laad_casus(session, casus_id)
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is afgesloten.", "status")
    deelnemers = set(
        (
            await session.execute(
                select(CasusDeelnemer.organisatie_id).where(CasusDeelnemer.casus_id == casus.id)
            )
        ).scalars()
    )
    controleer_interventie(
        omschrijving=invoer.omschrijving,
        domein=invoer.domein,
        verantwoordelijke_id=invoer.verantwoordelijke_id,
        verantwoordelijke_type=invoer.verantwoordelijke_type,
        bevoegdheid=invoer.bevoegdheid,
        deelnemer_ids=deelnemers,
        opdrachtgever_id=invoer.opdrachtgever_id,
        opdracht=invoer.opdracht,
    )
    await controleer_persoonsvelden(
        session,
        {
            "omschrijving": invoer.omschrijving,
            "bevoegdheid": invoer.bevoegdheid,
            "opdracht": invoer.opdracht,
        },
    )
    plan = await _plan(session, casus)
    interventie = Interventie(
        plan_id=plan.id,
        omschrijving=invoer.omschrijving.strip(),
        domein=invoer.domein,
        verantwoordelijke_id=invoer.verantwoordelijke_id,
        verantwoordelijke_type=invoer.verantwoordelijke_type,
        bevoegdheid=invoer.bevoegdheid.strip(),
        status=InterventieStatus.GEPLAND,
        deadline=invoer.deadline,
        reviewdatum=invoer.reviewdatum,
        opdrachtgever_id=invoer.opdrachtgever_id,
        opdracht=(invoer.opdracht or "").strip() or None,
    )
    session.add(interventie)
    await session.flush()
    await log(session, actor, Actie.CREATE, "plan", "interventie toevoegen", casus_id=casus.id)
    return interventie


async def wijzig_interventie(
    session: AsyncSession,
    actor: Actor,
    interventie_id: uuid.UUID,
    *,
    status: str,
    resultaat: str | None = None,
    reviewdatum: date | None = None,
) -> Interventie:
    vereis_regie(actor)
    interventie = await session.get(Interventie, interventie_id)
    if interventie is None:
        raise NietGevonden("Deze interventie bestaat niet (meer).")
    try:
        nieuw = InterventieStatus(status)
    except ValueError:
        raise RegelFout("Kies een status.", "status") from None
    await controleer_persoonsvelden(session, {"resultaat": resultaat})
    plan = await session.get(Plan, interventie.plan_id)
    interventie.status = nieuw
    interventie.resultaat = (resultaat or "").strip() or interventie.resultaat
    interventie.reviewdatum = reviewdatum or interventie.reviewdatum
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        "plan",
        "interventie bijwerken",
        casus_id=plan.casus_id if plan else None,
    )
    return interventie


async def stel_plan_vast(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, doel: str, op: date
) -> Plan:
    """Adopting the plan clears the 'plan te laat' flag; it needs at least one intervention."""
    vereis_regie(actor)
    casus = await laad_casus(session, casus_id)
    plan = await _plan(session, casus)
    heeft = await session.scalar(select(Interventie.id).where(Interventie.plan_id == plan.id))
    if heeft is None:
        raise RegelFout("Een plan van aanpak heeft ten minste één interventie.", "interventies")
    if not doel.strip():
        raise RegelFout("Beschrijf het doel van het plan.", "doel")
    await controleer_persoonsvelden(session, {"doel": doel})
    plan.doel = doel.strip()
    plan.vastgesteld_op = op
    await session.flush()
    await log(session, actor, Actie.UPDATE, "plan", "plan vaststellen", casus_id=casus.id)
    return plan
