"""The casusoverleg dashboard: the queues and case lists of one actor, a page at a time.

Four lists: the signals to weigh, the open casussen whose necessity review is overdue, those
whose plan van aanpak is late, and all open casussen the actor may see. Each is counted in
the database and fetched one page at a time (``casushub.tenants.paginering``), so the cost of
a visit does not grow with the size of the municipality. Only the rows shown are read, and
each of them is logged once in the verwerkingenlog, all in one append.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus, CasusDeelnemer
from casushub.tenants.casus.rules import DEELNEMER_ROL, Status
from casushub.tenants.casus.services import CasusRegel, maak_regel
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.paginering import PAGINAGROOTTE, Pagina, paginanummer
from casushub.tenants.personen.models import Persoon
from casushub.tenants.plan.models import Plan
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.signalen.services import SignaalRegel, vereis_signaalrecht
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many

__all__ = ["LIJSTEN", "Overzicht", "overzicht"]

LIJSTEN = ("signalen", "reviews", "plannen", "casussen")
"""The dashboard's lists, in screen order; each has its own page number."""


@dataclass(frozen=True, slots=True)
class Overzicht:
    signalen: Pagina[SignaalRegel]
    reviews: Pagina[CasusRegel]
    plannen: Pagina[CasusRegel]
    casussen: Pagina[CasusRegel]


def _zichtbaar(actor: Actor) -> ColumnElement[bool]:
    """The open casussen this actor may see: regie all, a participant those it takes part in."""
    if is_regie(actor):
        return true()
    if actor.role == DEELNEMER_ROL and actor.organisation_id is not None:
        deelname = select(CasusDeelnemer.casus_id).where(
            CasusDeelnemer.organisatie_id == actor.organisation_id
        )
        return Casus.id.in_(deelname)
    return false()


async def overzicht(
    session: AsyncSession,
    actor: Actor,
    paginas: Mapping[str, int] | None = None,
    *,
    grootte: int = PAGINAGROOTTE,
    vandaag: date | None = None,
) -> Overzicht:
    """The dashboard's four lists at the requested pages (1 when not given).

    Raises ``GeenToegang`` for a role without the signal queue (invited parties).
    """
    vereis_signaalrecht(actor)
    vandaag = vandaag or date.today()
    paginas = paginas or {}
    open_en_zichtbaar = (Casus.status != Status.AFGESLOTEN) & _zichtbaar(actor)
    # The same conditions as rules.review_verlopen and plan.rules.plan_te_laat, in SQL.
    review = Casus.volgende_review < vandaag
    plan = (Casus.plan_uiterlijk < vandaag) & Plan.vastgesteld_op.is_(None)
    te_wegen = Signaal.status == SignaalStatus.TE_WEGEN
    aantallen = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(review),
                func.count().filter(plan),
                select(func.count()).where(te_wegen).scalar_subquery(),
            )
            .select_from(Casus)
            .outerjoin(Plan, Plan.casus_id == Casus.id)
            .where(open_en_zichtbaar)
        )
    ).one()
    totaal, n_reviews, n_plannen, n_signalen = (int(n) for n in aantallen)

    async def casuspagina(
        lijst: str, n: int, voorwaarde: ColumnElement[bool], *volgorde: Any
    ) -> Pagina[CasusRegel]:
        nummer = paginanummer(paginas.get(lijst, 1), n, grootte)
        regels: list[CasusRegel] = []
        if n:
            query = (
                select(Casus, Persoon, Plan.vastgesteld_op)
                .outerjoin(Persoon, Persoon.id == Casus.persoon_id)
                .outerjoin(Plan, Plan.casus_id == Casus.id)
                .where(open_en_zichtbaar, voorwaarde)
                .order_by(*volgorde, Casus.id)
                .limit(grootte)
                .offset((nummer - 1) * grootte)
            )
            rows = await session.execute(query)
            regels = [maak_regel(c, p, v, vandaag) for c, p, v in rows]
        return Pagina(regels, nummer, n, grootte)

    reviews = await casuspagina("reviews", n_reviews, review, Casus.volgende_review)
    plannen = await casuspagina("plannen", n_plannen, plan, Casus.plan_uiterlijk)
    casussen = await casuspagina("casussen", totaal, true(), Casus.intake_datum.desc())

    nummer = paginanummer(paginas.get("signalen", 1), n_signalen, grootte)
    signaalregels: list[SignaalRegel] = []
    if n_signalen:
        rows = await session.execute(
            select(Signaal, Persoon.naam)
            .join(Persoon, Persoon.id == Signaal.persoon_id)
            .where(te_wegen)
            .order_by(Signaal.ontvangen_op, Signaal.id)
            .limit(grootte)
            .offset((nummer - 1) * grootte)
        )
        signaalregels = [
            SignaalRegel(s.id, s.persoon_id, naam, s.ontvangen_op, s.vervolgdatum)
            for s, naam in rows
        ]
    signalen = Pagina(signaalregels, nummer, n_signalen, grootte)

    # One entry per casus and per signal shown (a casus in two lists is one read), in one
    # append: one lock, one read of the chain's end, one INSERT.
    getoond = {r.casus_id: r for p in (reviews, plannen, casussen) for r in p.regels}
    await record_many(
        session,
        actor,
        [
            *(
                Regel(Actie.READ, "casus", "overzicht", casus_id=c, persoon_id=r.persoon_id)
                for c, r in getoond.items()
            ),
            *(
                Regel(Actie.READ, "signaal", "weging voorbereiden", persoon_id=s.persoon_id)
                for s in signalen.regels
            ),
        ],
    )
    return Overzicht(signalen=signalen, reviews=reviews, plannen=plannen, casussen=casussen)
