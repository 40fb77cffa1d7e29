"""Destroying casussen: everything of the record at once, for the retention sweep and for
erasure decisions (each checks the legal hold and leaves its own receipt)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.bulk import id_in
from casushub.tenants.casus.models import Bijlage, Casus, InformatieItem
from casushub.tenants.personen.models import Derde
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import vernietig_signalen, verwijder_wezen
from casushub.tenants.weging.models import Weging

__all__ = ["vernietig_casus", "vernietig_casussen"]


async def vernietig_casus(session: AsyncSession, casus_id: uuid.UUID) -> None:
    """Delete everything of a casus: :func:`vernietig_casussen` for one id."""
    await vernietig_casussen(session, [casus_id])


async def vernietig_casussen(session: AsyncSession, casus_ids: Iterable[uuid.UUID]) -> None:
    """Delete everything of these casussen: person, derden, items and files, plan, agenda
    items and minutes, invitations, moves, reviews, and the signals and wegingen they came
    from.

    Called by the retention sweep and by erasure decisions, which check the legal hold and
    leave their own receipt without personal data. Child rows go by ``ON DELETE CASCADE``;
    the explicit deletes below are for rows that do not hang on the casus row itself.
    Set-based: the same dozen statements for one casus or a tenant's whole backlog. Ids that
    no longer exist are skipped.
    """
    ids = set(casus_ids)
    if not ids:
        return
    rows = (
        await session.execute(
            select(Casus.id, Casus.persoon_id, Weging.signaal_id)
            .outerjoin(Weging, Weging.id == Casus.weging_id)
            .where(id_in(Casus.id, ids))
        )
    ).all()
    if not rows:
        return
    ids = {row.id for row in rows}
    persoon_ids = {row.persoon_id for row in rows}
    herkomst = {row.signaal_id for row in rows if row.signaal_id is not None}
    item_ids = select(InformatieItem.id).where(id_in(InformatieItem.casus_id, ids))
    await session.execute(delete(Bijlage).where(Bijlage.item_id.in_(item_ids)))
    await session.execute(delete(Derde).where(id_in(Derde.casus_id, ids)))
    await session.execute(delete(Casus).where(id_in(Casus.id, ids)))
    # Every other signal about these persons belongs to the same aanpak and goes with it,
    # except one that another casus (of the same person) still stands on, and one under its
    # own bewaarplicht (``legal_hold``): the hold on that signal outranks this destruction,
    # and its person stays with it.
    signalen = await session.scalars(
        select(Signaal.id).where(
            or_(id_in(Signaal.persoon_id, persoon_ids), id_in(Signaal.id, herkomst)),
            Signaal.legal_hold.is_(False),
            ~select(Casus.id)
            .join(Weging, Weging.id == Casus.weging_id)
            .where(Weging.signaal_id == Signaal.id)
            .exists(),
        )
    )
    await vernietig_signalen(session, signalen.all())
    # The person goes once nothing is left on them (their signals went just above).
    await verwijder_wezen(session, persoon_ids)
