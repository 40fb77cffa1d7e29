"""The casus: intake from a weging, status, review, closure, moves and legal hold."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen import services as bewaartermijnen
from casushub.tenants.bewaartermijnen.rules import destroy_on
from casushub.tenants.casus.errors import NietGevonden, RegelFout, RegelFouten
from casushub.tenants.casus.models import (
    Casus,
    CasusDeelnemer,
    Herbeoordeling,
    Overdrachtstaak,
    Verhuizing,
)
from casushub.tenants.casus.rules import (
    Status,
    add_months,
    controleer_afsluiting,
    controleer_heropenen,
    controleer_opname,
    controleer_statusovergang,
    review_verlopen,
)
from casushub.tenants.casus.toegang import laad_casus, laad_toegankelijke_casus, log, vereis_regie
from casushub.tenants.instellingen.services import lees_instellingen
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.plan.models import Plan
from casushub.tenants.plan.rules import plan_te_laat, plan_uiterlijk
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.weging.models import Weging
from casushub.tenants.weging.rules import Beoordeling, criteriafouten

__all__ = [
    "CasusRegel",
    "Deelnemer",
    "heropen",
    "lees_casus",
    "maak_casus",
    "maak_regel",
    "registreer_herbeoordeling",
    "reviews_te_melden",
    "sluit_af",
    "verhuis",
    "wijzig_status",
    "zet_legal_hold",
]


_GEMEENTECODE_LENGTE = 4


@dataclass(frozen=True, slots=True)
class Deelnemer:
    organisatie_id: uuid.UUID
    organisatie_type: str


async def maak_casus(
    session: AsyncSession,
    actor: Actor,
    *,
    weging_id: uuid.UUID,
    regie_gemeente: str,
    intake_datum: date,
    deelnemers: Sequence[Deelnemer],
    procesregisseur_id: uuid.UUID | None = None,
) -> Casus:
    """Rule 1 and 2: a casus under this Wet, only from a finalised weging 'opname'."""
    vereis_regie(actor)
    weging = await session.get(Weging, weging_id)
    if weging is None:
        raise RegelFout(
            "Een casus kan alleen worden aangemaakt na een vastgestelde weging met uitkomst "
            "'opname in casusoverleg'.",
            "weging",
        )
    bestaand = await session.scalar(select(Casus.id).where(Casus.weging_id == weging.id))
    controleer_opname(
        uitkomst=weging.uitkomst,
        vastgesteld=weging.vastgesteld_op is not None,
        heeft_casus=bestaand is not None,
    )
    signaal = await session.get(Signaal, weging.signaal_id)
    persoon = await session.get(Persoon, signaal.persoon_id) if signaal else None
    if persoon is None:
        raise NietGevonden("De betrokkene van deze weging bestaat niet (meer).")
    if not deelnemers:
        raise RegelFout("Kies de deelnemers aan deze casus.", "deelnemers")
    instelling = await lees_instellingen(session)
    casus = Casus(
        weging_id=weging.id,
        persoon_id=persoon.id,
        regie_gemeente=regie_gemeente,
        gemeente_van_verblijf=persoon.gemeente_van_verblijf,
        status=Status.AANGEMELD,
        intake_datum=intake_datum,
        procesregisseur_id=procesregisseur_id,
        volgende_review=add_months(intake_datum, instelling.review_interval_maanden),
        plan_uiterlijk=plan_uiterlijk(intake_datum, instelling.plan_termijn_weken),
    )
    session.add(casus)
    await session.flush()
    for deelnemer in {d.organisatie_id: d for d in deelnemers}.values():
        session.add(
            CasusDeelnemer(
                casus_id=casus.id,
                organisatie_id=deelnemer.organisatie_id,
                organisatie_type=deelnemer.organisatie_type,
            )
        )
    await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        "casus",
        "opname in casusoverleg",
        casus_id=casus.id,
        persoon_id=persoon.id,
    )
    return casus


@dataclass(frozen=True, slots=True)
class CasusRegel:
    """What a list or a casus header shows."""

    casus_id: uuid.UUID
    persoon_id: uuid.UUID
    naam: str
    geboortedatum: date | None
    status: str
    intake_datum: date
    gemeente_van_verblijf: str
    volgende_review: date
    review_verlopen: bool
    plan_uiterlijk: date
    plan_te_laat: bool
    destroy_on: date | None
    legal_hold: bool


# Built once: every casus page and fragment reads it.
_VASTGESTELD = select(Plan.vastgesteld_op).where(Plan.casus_id == bindparam("casus_id"))


async def _regel(session: AsyncSession, casus: Casus, vandaag: date) -> CasusRegel:
    persoon = await session.get(Persoon, casus.persoon_id)
    vastgesteld = await session.scalar(_VASTGESTELD, {"casus_id": casus.id})
    return maak_regel(casus, persoon, vastgesteld, vandaag)


class CasusVelden(Protocol):
    """What a list row needs of a casus: a ``Casus`` or a row of those columns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def persoon_id(self) -> uuid.UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def intake_datum(self) -> date: ...
    @property
    def gemeente_van_verblijf(self) -> str: ...
    @property
    def volgende_review(self) -> date: ...
    @property
    def plan_uiterlijk(self) -> date: ...
    @property
    def destroy_on(self) -> date | None: ...
    @property
    def legal_hold(self) -> bool: ...


class PersoonVelden(Protocol):
    """What a list row needs of a person: a ``Persoon`` or a row of those columns."""

    @property
    def naam(self) -> str: ...
    @property
    def geboortedatum(self) -> date | None: ...


def maak_regel(
    casus: CasusVelden, persoon: PersoonVelden | None, vastgesteld: date | None, vandaag: date
) -> CasusRegel:
    return CasusRegel(
        casus_id=casus.id,
        persoon_id=casus.persoon_id,
        naam=persoon.naam if persoon else "",
        geboortedatum=persoon.geboortedatum if persoon else None,
        status=casus.status,
        intake_datum=casus.intake_datum,
        gemeente_van_verblijf=casus.gemeente_van_verblijf,
        volgende_review=casus.volgende_review,
        review_verlopen=review_verlopen(
            status=casus.status, volgende_review=casus.volgende_review, vandaag=vandaag
        ),
        plan_uiterlijk=casus.plan_uiterlijk,
        plan_te_laat=casus.status != Status.AFGESLOTEN
        and plan_te_laat(
            uiterlijk=casus.plan_uiterlijk, vastgesteld_op=vastgesteld, vandaag=vandaag
        ),
        destroy_on=casus.destroy_on,
        legal_hold=casus.legal_hold,
    )


async def lees_casus(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    doel: str = "casusoverleg",
    vandaag: date | None = None,
) -> CasusRegel:
    casus = await laad_toegankelijke_casus(session, actor, casus_id)
    await log(
        session, actor, Actie.READ, "casus", doel, casus_id=casus.id, persoon_id=casus.persoon_id
    )
    return await _regel(session, casus, vandaag or klok.vandaag())


async def reviews_te_melden(session: AsyncSession, vandaag: date) -> list[uuid.UUID]:
    """Ids of open cases whose necessity review is overdue, for the reminder job.

    Ids only: the job notifies the regie users with a link, never with personal data.
    """
    rows = await session.execute(
        select(Casus.id).where(Casus.status != Status.AFGESLOTEN, Casus.volgende_review < vandaag)
    )
    return list(rows.scalars())


async def wijzig_status(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    naar: str,
    *,
    vandaag: date | None = None,
) -> Casus:
    vereis_regie(actor)
    vandaag = vandaag or klok.vandaag()
    casus = await laad_casus(session, casus_id)
    laatste = await session.scalar(
        select(Herbeoordeling.datum)
        .where(Herbeoordeling.casus_id == casus.id)
        .order_by(Herbeoordeling.datum.desc())
        .limit(1)
    )
    doel = controleer_statusovergang(
        van=casus.status,
        naar=naar,
        vandaag=vandaag,
        volgende_review=casus.volgende_review,
        monitoren_sinds=casus.monitoren_sinds,
        laatste_herbeoordeling=laatste,
    )
    casus.status = doel
    casus.monitoren_sinds = vandaag if doel is Status.MONITOREN else None
    await session.flush()
    await log(session, actor, Actie.UPDATE, "casus", f"status: {doel}", casus_id=casus.id)
    return casus


async def registreer_herbeoordeling(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    datum: date,
    criteria: Mapping[str, Beoordeling],
    redenering: str,
) -> Herbeoordeling:
    """The necessity review against the five criteria; it moves the next review date."""
    vereis_regie(actor)
    casus = await laad_casus(session, casus_id)
    if casus.status == Status.AFGESLOTEN:
        raise RegelFout("Deze casus is afgesloten.", "status")
    fouten = criteriafouten(criteria)
    if not redenering.strip():
        fouten["redenering"] = "Leg de afweging vast (redenering)."
    if fouten:
        raise RegelFouten(fouten)
    await controleer_persoonsvelden(
        session,
        {"redenering": redenering, **{k: v.toelichting for k, v in criteria.items()}},
    )
    herbeoordeling = Herbeoordeling(
        casus_id=casus.id,
        datum=datum,
        criteria={
            k: {"beoordeling": v.beoordeling, "toelichting": v.toelichting}
            for k, v in criteria.items()
        },
        redenering=redenering,
        vastgelegd_door=actor.user_id,
    )
    session.add(herbeoordeling)
    instelling = await lees_instellingen(session)
    casus.volgende_review = add_months(datum, instelling.review_interval_maanden)
    await session.flush()
    await log(session, actor, Actie.CREATE, "herbeoordeling", "noodzaaktoets", casus_id=casus.id)
    return herbeoordeling


async def sluit_af(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    reden: str,
    datum: date | None,
    vandaag: date | None = None,
    bewaarparameters: Mapping[str, int] | None = None,
) -> Casus:
    """Closure with reason and date; computes ``destroy_on`` (rule 7)."""
    vereis_regie(actor)
    vandaag = vandaag or klok.vandaag()
    if bewaarparameters is None:
        # The tenant's own periods (with their recorded reasons), defaults otherwise. Read
        # before the casus changes, so no autoflush writes a half-closed casus.
        bewaarparameters = await bewaartermijnen.bewaarparameters(session)
    casus = await laad_casus(session, casus_id)
    afgesloten_op = controleer_afsluiting(
        status=casus.status, reden=reden, datum=datum, vandaag=vandaag
    )
    await controleer_persoonsvelden(session, {"reden": reden})
    casus.status_voor_afsluiting = casus.status
    casus.status = Status.AFGESLOTEN
    casus.afgesloten_op = afgesloten_op
    casus.afsluitreden = reden.strip()
    casus.afsluiting_geregistreerd = vandaag
    casus.destroy_on = destroy_on("casus", None, afgesloten_op, bewaarparameters)
    await session.flush()
    await log(session, actor, Actie.UPDATE, "casus", "afsluiten", casus_id=casus.id)
    return casus


async def heropen(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, vandaag: date | None = None
) -> Casus:
    """Undo a closure, only within the tenant's short reopen period."""
    vereis_regie(actor)
    vandaag = vandaag or klok.vandaag()
    casus = await laad_casus(session, casus_id)
    instelling = await lees_instellingen(session)
    controleer_heropenen(
        status=casus.status,
        afgesloten_geregistreerd=casus.afsluiting_geregistreerd,
        vandaag=vandaag,
        termijn_dagen=instelling.heropen_termijn_dagen,
    )
    casus.status = casus.status_voor_afsluiting or Status.LOPEND
    casus.status_voor_afsluiting = None
    casus.afgesloten_op = None
    casus.afsluitreden = None
    casus.afsluiting_geregistreerd = None
    casus.destroy_on = None
    await session.flush()
    await log(session, actor, Actie.UPDATE, "casus", "afsluiting teruggedraaid", casus_id=casus.id)
    return casus


async def zet_legal_hold(
    session: AsyncSession, actor: Actor, casus_id: uuid.UUID, *, aan: bool, reden: str
) -> Casus:
    """Suspend destruction (pending request, objection, complaint, court case)."""
    vereis_regie(actor)
    if not reden.strip():
        raise RegelFout("Geef de reden van de bewaarplicht.", "reden")
    casus = await laad_casus(session, casus_id)
    casus.legal_hold = aan
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        "casus",
        "bewaarplicht aan" if aan else "bewaarplicht uit",
        casus_id=casus.id,
    )
    return casus


async def verhuis(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    naar_gemeente: str,
    datum: date,
) -> Overdrachtstaak:
    """Rule 10: the gemeente van verblijf changes; the contactpunt follows; hand-over task.

    The task is kept with the casus; the new municipality's contactpunt picks it up
    (when it is a tenant of the hub) through the hand-over list of the registering tenant.
    """
    vereis_regie(actor)
    casus = await laad_casus(session, casus_id)
    code = naar_gemeente.strip()
    if len(code) != _GEMEENTECODE_LENGTE or not code.isdigit():
        raise RegelFout("Kies de nieuwe gemeente van verblijf.", "naar_gemeente")
    if code == casus.gemeente_van_verblijf:
        raise RegelFout("De betrokkene verblijft al in deze gemeente.", "naar_gemeente")
    verhuizing = Verhuizing(
        casus_id=casus.id, van_gemeente=casus.gemeente_van_verblijf, naar_gemeente=code, datum=datum
    )
    session.add(verhuizing)
    await session.flush()
    casus.gemeente_van_verblijf = code
    persoon = await session.get(Persoon, casus.persoon_id)
    if persoon is not None:
        persoon.gemeente_van_verblijf = code
    taak = Overdrachtstaak(
        casus_id=casus.id, verhuizing_id=verhuizing.id, naar_gemeente=code, status="open"
    )
    session.add(taak)
    await session.flush()
    await log(
        session,
        actor,
        Actie.UPDATE,
        "verhuizing",
        "overdracht aan nieuwe gemeente",
        casus_id=casus.id,
        persoon_id=casus.persoon_id,
        detail=f"naar={code}",
    )
    return taak
