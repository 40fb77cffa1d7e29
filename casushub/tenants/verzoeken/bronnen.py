"""Where the workflow's data about a person came from: items, their person and their source.

The one place where the contactpunt reads the workflow models (signalen, weging, casus, plan,
overleg), so a change there touches this module only. Each item kind is a row in
``_SOORTEN``: how to find its person, its casus, the participant that supplied it and its
category (docs/design.md §2 rule 4).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.overleg.models import Agendapunt
from casushub.tenants.plan.models import Interventie, Plan
from casushub.tenants.plan.rules import DEELNEMER_TYPES
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.weging.models import Weging, WegingAanwezige

__all__ = [
    "ITEM_SOORTEN",
    "EigenItem",
    "ItemRef",
    "bron_organisaties",
    "eigen_items",
    "item",
    "te_raadplegen",
]


@dataclass(frozen=True)
class ItemRef:
    soort: str
    id: uuid.UUID
    persoon_id: uuid.UUID
    casus_id: uuid.UUID | None
    bron_organisatie_id: uuid.UUID | None
    categorie: str = "gewoon"


async def _signaal(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = await session.get(Signaal, item_id)
    if row is None:
        return None
    return ItemRef("signaal", row.id, row.persoon_id, None, row.bron_organisatie_id)


async def _informatie_item(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = (
        await session.execute(
            select(InformatieItem, Casus.persoon_id)
            .join(Casus, Casus.id == InformatieItem.casus_id)
            .where(InformatieItem.id == item_id)
        )
    ).first()
    if row is None:
        return None
    found, persoon_id = row
    return ItemRef(
        "informatie_item",
        found.id,
        persoon_id,
        found.casus_id,
        found.bron_organisatie_id,
        found.categorie,
    )


async def _agendapunt(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = (
        await session.execute(
            select(Agendapunt.id, Agendapunt.casus_id, Casus.persoon_id)
            .join(Casus, Casus.id == Agendapunt.casus_id)
            .where(Agendapunt.id == item_id)
        )
    ).first()
    if row is None:
        return None
    return ItemRef("agendapunt", row.id, row.persoon_id, row.casus_id, None)


async def _weging(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = (
        await session.execute(
            select(Weging.id, Signaal.persoon_id)
            .join(Signaal, Signaal.id == Weging.signaal_id)
            .where(Weging.id == item_id)
        )
    ).first()
    if row is None:
        return None
    return ItemRef("weging", row.id, row.persoon_id, None, None)


async def _interventie(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = (
        await session.execute(
            select(
                Interventie.id, Interventie.verantwoordelijke_id, Plan.casus_id, Casus.persoon_id
            )
            .join(Plan, Plan.id == Interventie.plan_id)
            .join(Casus, Casus.id == Plan.casus_id)
            .where(Interventie.id == item_id)
        )
    ).first()
    if row is None:
        return None
    return ItemRef("interventie", row.id, row.persoon_id, row.casus_id, row.verantwoordelijke_id)


async def _voorgenomen_maatregel(session: AsyncSession, item_id: uuid.UUID) -> ItemRef | None:
    row = (
        await session.execute(
            select(
                VoorgenomenMaatregel.id,
                VoorgenomenMaatregel.casus_id,
                VoorgenomenMaatregel.organisatie_id,
                Casus.persoon_id,
            )
            .join(Casus, Casus.id == VoorgenomenMaatregel.casus_id)
            .where(VoorgenomenMaatregel.id == item_id)
        )
    ).first()
    if row is None:
        return None
    return ItemRef(
        "voorgenomen_maatregel", row.id, row.persoon_id, row.casus_id, row.organisatie_id
    )


ITEM_SOORTEN: dict[str, Callable[[AsyncSession, uuid.UUID], Awaitable[ItemRef | None]]] = {
    "signaal": _signaal,
    "informatie_item": _informatie_item,
    "agendapunt": _agendapunt,
    "weging": _weging,
    "interventie": _interventie,
    "voorgenomen_maatregel": _voorgenomen_maatregel,
}


async def item(session: AsyncSession, soort: str, item_id: uuid.UUID) -> ItemRef | None:
    resolver = ITEM_SOORTEN.get(soort)
    return None if resolver is None else await resolver(session, item_id)


async def bron_organisaties(session: AsyncSession, persoon_id: uuid.UUID) -> set[uuid.UUID]:
    """Every participant that supplied data on the person: signals, items, wegingen, plan."""
    casussen = select(Casus.id).where(Casus.persoon_id == persoon_id).scalar_subquery()
    signalen = select(Signaal.id).where(Signaal.persoon_id == persoon_id).scalar_subquery()
    queries = (
        select(Signaal.bron_organisatie_id).where(Signaal.persoon_id == persoon_id),
        select(InformatieItem.bron_organisatie_id).where(InformatieItem.casus_id.in_(casussen)),
        # The Minister of JenV, who announced a measure in the casus.
        select(VoorgenomenMaatregel.organisatie_id).where(
            VoorgenomenMaatregel.casus_id.in_(casussen)
        ),
        select(WegingAanwezige.organisatie_id)
        .join(Weging, Weging.id == WegingAanwezige.weging_id)
        .where(Weging.signaal_id.in_(signalen)),
        # Invited third parties report on their interventions but are no joint controllers.
        select(Interventie.verantwoordelijke_id)
        .join(Plan, Plan.id == Interventie.plan_id)
        .where(
            Plan.casus_id.in_(casussen),
            Interventie.verantwoordelijke_type.in_(sorted(DEELNEMER_TYPES)),
        ),
    )
    found: set[uuid.UUID] = set()
    for query in queries:
        found.update((await session.scalars(query.distinct())).all())
    return found


async def te_raadplegen(session: AsyncSession, persoon_id: uuid.UUID) -> set[uuid.UUID]:
    """Whom the contactpunt asks for input: every joint controller that supplied data on the
    person, and the invited third parties (derden) that report on an intervention for them."""
    casussen = select(Casus.id).where(Casus.persoon_id == persoon_id).scalar_subquery()
    derden = await session.scalars(
        select(Interventie.verantwoordelijke_id)
        .join(Plan, Plan.id == Interventie.plan_id)
        .where(Plan.casus_id.in_(casussen))
        .distinct()
    )
    return await bron_organisaties(session, persoon_id) | set(derden.all())


@dataclass(frozen=True)
class EigenItem:
    soort: str
    id: uuid.UUID
    datum: str
    tekst: str


async def eigen_items(
    session: AsyncSession, persoon_id: uuid.UUID, organisatie_id: uuid.UUID
) -> list[EigenItem]:
    """What one participant supplied on the person: the items it may withhold from inzage."""
    casussen = select(Casus.id).where(Casus.persoon_id == persoon_id).scalar_subquery()
    signalen = (
        await session.scalars(
            select(Signaal).where(
                Signaal.persoon_id == persoon_id, Signaal.bron_organisatie_id == organisatie_id
            )
        )
    ).all()
    items = (
        await session.scalars(
            select(InformatieItem).where(
                InformatieItem.casus_id.in_(casussen),
                InformatieItem.bron_organisatie_id == organisatie_id,
            )
        )
    ).all()
    interventies = (
        await session.scalars(
            select(Interventie)
            .join(Plan, Plan.id == Interventie.plan_id)
            .where(
                Plan.casus_id.in_(casussen),
                Interventie.verantwoordelijke_id == organisatie_id,
            )
        )
    ).all()
    maatregelen = (
        await session.scalars(
            select(VoorgenomenMaatregel).where(
                VoorgenomenMaatregel.casus_id.in_(casussen),
                VoorgenomenMaatregel.organisatie_id == organisatie_id,
            )
        )
    ).all()
    return [
        *(EigenItem("signaal", s.id, s.ontvangen_op.isoformat(), s.omschrijving) for s in signalen),
        *(EigenItem("informatie_item", i.id, i.datum.isoformat(), i.tekst) for i in items),
        *(
            EigenItem("interventie", i.id, i.created_at.date().isoformat(), i.omschrijving)
            for i in interventies
        ),
        *(
            EigenItem("voorgenomen_maatregel", m.id, m.aangekondigd_op.isoformat(), m.omschrijving)
            for m in maatregelen
        ),
    ]
