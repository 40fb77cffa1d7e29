"""The casusoverleg dashboard: the queues and case lists of one actor, a page at a time.

Four lists: the signals to weigh, the open casussen whose necessity review is overdue, those
whose plan van aanpak is late, and all open casussen the actor may see. Each is counted in
the database and fetched one page at a time (``casushub.tenants.paginering``), so the cost of
a visit does not grow with the size of the municipality. Only the rows shown are read, and
each of them is logged once in the verwerkingenlog, all in one append.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, bindparam, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus, CasusDeelnemer
from casushub.tenants.casus.rules import DEELNEMER_ROL, Status
from casushub.tenants.casus.services import CasusRegel, maak_regel
from casushub.tenants.casus.toegang import is_regie, weegt_mee
from casushub.tenants.paginering import PAGINAGROOTTE, Pagina, paginanummer
from casushub.tenants.personen.models import Persoon
from casushub.tenants.plan.models import Plan
from casushub.tenants.signalen.models import Signaal, SignaalStatus
from casushub.tenants.signalen.services import SignaalRegel, vereis_signaalrecht
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many

__all__ = ["LIJSTEN", "Aantallen", "Overzicht", "overzicht", "tel_overzicht"]

LIJSTEN = ("signalen", "reviews", "plannen", "casussen")
"""The dashboard's lists, in screen order; each has its own page number."""


@dataclass(frozen=True, slots=True)
class Overzicht:
    signalen: Pagina[SignaalRegel]
    reviews: Pagina[CasusRegel]
    plannen: Pagina[CasusRegel]
    casussen: Pagina[CasusRegel]


@dataclass(frozen=True)
class _Vragen:
    aantallen: Any
    reviews: Any
    plannen: Any
    casussen: Any
    signalen: Any


def _zicht(actor: Actor) -> tuple[str, bool]:
    """Which casussen the actor may see (regie all, a participant those it takes part in)
    and whether it sees the signal queue (the weegploeg only): the key of its statements."""
    if is_regie(actor):
        zicht = "alle"
    elif actor.role == DEELNEMER_ROL and actor.organisation_id is not None:
        zicht = "deelname"
    else:
        zicht = "geen"
    return zicht, weegt_mee(actor)


# What maak_regel reads of a casus and its person, under the same names.
_REGELKOLOMMEN = (
    Casus.id,
    Casus.persoon_id,
    func.coalesce(Persoon.naam, "").label("naam"),
    Persoon.geboortedatum,
    Casus.status,
    Casus.intake_datum,
    Casus.gemeente_van_verblijf,
    Casus.volgende_review,
    Casus.plan_uiterlijk,
    Casus.destroy_on,
    Casus.legal_hold,
    Plan.vastgesteld_op,
)


@functools.cache
def _vragen(zicht: str, weegploeg: bool) -> _Vragen:
    """The dashboard's statements, built once per kind of visibility (building them per
    request cost more than sending them). Parameters: vandaag, organisatie_id, grootte,
    offset (each list its own: reviews_offset, …).

    The signal queue names persons who are in no casus yet: only the weegploeg sees it, its
    rows and its count alike (the other participants get an empty list, not a filtered one).
    """
    zichtbaar: ColumnElement[bool] = false()
    if zicht == "alle":
        zichtbaar = true()
    elif zicht == "deelname":
        zichtbaar = Casus.id.in_(
            select(CasusDeelnemer.casus_id).where(
                CasusDeelnemer.organisatie_id == bindparam("organisatie_id")
            )
        )
    open_en_zichtbaar = (Casus.status != Status.AFGESLOTEN) & zichtbaar
    vandaag = bindparam("vandaag", type_=Date)
    # The same conditions as rules.review_verlopen and plan.rules.plan_te_laat, in SQL.
    review = Casus.volgende_review < vandaag
    plan = (Casus.plan_uiterlijk < vandaag) & Plan.vastgesteld_op.is_(None)
    te_wegen = (Signaal.status == SignaalStatus.TE_WEGEN) & (true() if weegploeg else false())

    def pagina(lijst: str, voorwaarde: ColumnElement[bool], *volgorde: Any) -> Any:
        # The columns a list row shows, not whole objects: a page of 25 casussen with their
        # persons as ORM objects cost more to load than to query.
        return (
            select(*_REGELKOLOMMEN)
            .outerjoin(Persoon, Persoon.id == Casus.persoon_id)
            .outerjoin(Plan, Plan.casus_id == Casus.id)
            .where(open_en_zichtbaar, voorwaarde)
            .order_by(*volgorde, Casus.id)
            .limit(bindparam("grootte", type_=Integer))
            .offset(bindparam(f"{lijst}_offset", type_=Integer))
        )

    return _Vragen(
        aantallen=select(
            func.count(),
            func.count().filter(review),
            func.count().filter(plan),
            select(func.count()).where(te_wegen).scalar_subquery(),
        )
        .select_from(Casus)
        .outerjoin(Plan, Plan.casus_id == Casus.id)
        .where(open_en_zichtbaar),
        reviews=pagina("reviews", review, Casus.volgende_review),
        plannen=pagina("plannen", plan, Casus.plan_uiterlijk),
        casussen=pagina("casussen", true(), Casus.intake_datum.desc()),
        # In SignaalRegel's field order.
        signalen=select(
            Signaal.id, Signaal.persoon_id, Persoon.naam, Signaal.ontvangen_op, Signaal.vervolgdatum
        )
        .join(Persoon, Persoon.id == Signaal.persoon_id)
        .where(te_wegen)
        .order_by(Signaal.ontvangen_op, Signaal.id)
        .limit(bindparam("grootte", type_=Integer))
        .offset(bindparam("signalen_offset", type_=Integer)),
    )


async def overzicht(
    session: AsyncSession,
    actor: Actor,
    paginas: Mapping[str, int] | None = None,
    *,
    grootte: int = PAGINAGROOTTE,
    vandaag: date | None = None,
) -> Overzicht:
    """The dashboard's four lists at the requested pages (1 when not given).

    Raises ``GeenToegang`` for a role without a dashboard (invited parties).
    """
    vereis_signaalrecht(actor)
    vandaag = vandaag or klok.vandaag()
    gevraagd = paginas or {}
    vragen = _vragen(*_zicht(actor))
    params: dict[str, Any] = {
        "vandaag": vandaag,
        "organisatie_id": actor.organisation_id,
        "grootte": grootte,
    }
    aantallen = (await session.execute(vragen.aantallen, params)).one()
    totaal, n_reviews, n_plannen, n_signalen = (int(n) for n in aantallen)
    nummers = {
        lijst: paginanummer(gevraagd.get(lijst, 1), n, grootte)
        for lijst, n in (
            ("signalen", n_signalen),
            ("reviews", n_reviews),
            ("plannen", n_plannen),
            ("casussen", totaal),
        )
    }
    params |= {f"{lijst}_offset": (nummer - 1) * grootte for lijst, nummer in nummers.items()}

    async def casuspagina(lijst: str, n: int) -> Pagina[CasusRegel]:
        regels: list[CasusRegel] = []
        if n:
            rows = await session.execute(getattr(vragen, lijst), params)
            regels = [maak_regel(rij, rij, rij.vastgesteld_op, vandaag) for rij in rows]
        return Pagina(regels, nummers[lijst], n, grootte)

    reviews = await casuspagina("reviews", n_reviews)
    plannen = await casuspagina("plannen", n_plannen)
    casussen = await casuspagina("casussen", totaal)
    signaalregels: list[SignaalRegel] = []
    if n_signalen:
        rows = await session.execute(vragen.signalen, params)
        signaalregels = [SignaalRegel(*rij) for rij in rows]
    signalen = Pagina(signaalregels, nummers["signalen"], n_signalen, grootte)

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


@dataclass(frozen=True, slots=True)
class Aantallen:
    """The dashboard's counts only: no rows, so no personal data read and nothing logged."""

    casussen: int
    reviews: int
    plannen: int
    signalen: int


async def tel_overzicht(
    session: AsyncSession, actor: Actor, *, vandaag: date | None = None
) -> Aantallen:
    """How many items each dashboard list holds for the actor (for the werkruimte)."""
    vereis_signaalrecht(actor)
    vragen = _vragen(*_zicht(actor))
    params = {"vandaag": vandaag or klok.vandaag(), "organisatie_id": actor.organisation_id}
    totaal, reviews, plannen, signalen = (
        int(n) for n in (await session.execute(vragen.aantallen, params)).one()
    )
    return Aantallen(casussen=totaal, reviews=reviews, plannen=plannen, signalen=signalen)
