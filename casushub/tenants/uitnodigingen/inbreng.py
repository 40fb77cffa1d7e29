"""An invited partner brings information into the casus it was invited for.

Only when the invitation allows it (``Uitnodiging.mag_inbrengen``), only while it is valid
(accepted, not withdrawn, inside its window). The item is an ordinary information item of the
casus: its source is the partner's organisation (so the contactpunt consults the partner on a
data subject's request, casushub.tenants.verzoeken.bronnen), it is tagged like any other, and it
records the invitation and the ground on which the partner shares it. An ordinary item joins
the invitation's scope, so the partner sees what it brought in; a special or criminal one does
not (rule 4: never shown to invited parties).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.tenants.actor import Actor
from casushub.tenants.casus.deelgronden import controleer_inbreng
from casushub.tenants.casus.errors import GeenToegang
from casushub.tenants.casus.items import GROEP
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.casus.rules import Categorie, Status, uitgenodigde_mag_zien
from casushub.tenants.casus.toegang import laad_casus, log
from casushub.tenants.personen.models import Persoon
from casushub.tenants.personen.services import controleer_persoonsvelden
from casushub.tenants.uitnodigingen.models import Uitnodiging, UitnodigingItem
from casushub.tenants.uitnodigingen.services import geldige_uitnodiging, laad_uitnodiging
from casushub.tenants.verwerkingenlog.models import Actie

__all__ = ["breng_in", "mag_inbrengen", "persoonsnaam_van_casus"]


async def mag_inbrengen(
    session: AsyncSession, actor: Actor, uitnodiging_id: uuid.UUID, *, nu: datetime | None = None
) -> Uitnodiging:
    """The invitation, when it lets this actor bring information in now; else a refusal."""
    nu = nu or datetime.now(UTC)
    uitnodiging = await laad_uitnodiging(session, uitnodiging_id)
    await geldige_uitnodiging(session, actor, uitnodiging, nu)
    if not uitnodiging.mag_inbrengen:
        raise GeenToegang("Met deze uitnodiging kunt u geen informatie inbrengen.")
    casus = await laad_casus(session, uitnodiging.casus_id)
    if casus.status == Status.AFGESLOTEN:
        raise GeenToegang("Deze casus is afgesloten.")
    return uitnodiging


async def persoonsnaam_van_casus(session: AsyncSession, casus_id: uuid.UUID) -> str:
    """The name of the casus's person, for the heading of the inbreng form ("" if none)."""
    casus = await session.get(Casus, casus_id)
    persoon = await session.get(Persoon, casus.persoon_id) if casus else None
    return persoon.naam if persoon else ""


async def breng_in(
    session: AsyncSession,
    actor: Actor,
    uitnodiging_id: uuid.UUID,
    *,
    tekst: str,
    categorie: str,
    deelgrond: str,
    deelgrond_toelichting: str,
    deelbeperking: str | None = None,
    nu: datetime | None = None,
) -> InformatieItem:
    uitnodiging = await mag_inbrengen(session, actor, uitnodiging_id, nu=nu)
    if actor.organisation_id is None:  # pragma: no cover - geldige_uitnodiging checked it
        raise GeenToegang
    controleer_inbreng(
        tekst=tekst, categorie=categorie, deelgrond=deelgrond, toelichting=deelgrond_toelichting
    )
    await controleer_persoonsvelden(
        session,
        {
            "tekst": tekst,
            "deelgrond_toelichting": deelgrond_toelichting,
            "deelbeperking": deelbeperking,
        },
    )
    soort = Categorie(categorie)
    item = InformatieItem(
        casus_id=uitnodiging.casus_id,
        tekst=tekst.strip(),
        bron_organisatie_id=actor.organisation_id,
        datum=klok.vandaag(),
        categorie=soort,
        deelbeperking=(deelbeperking or "").strip() or None,
        vastgelegd_door=actor.user_id,
        uitnodiging_id=uitnodiging.id,
        deelgrond=deelgrond,
        deelgrond_toelichting=deelgrond_toelichting.strip(),
    )
    session.add(item)
    await session.flush()
    if uitgenodigde_mag_zien(soort):
        session.add(UitnodigingItem(uitnodiging_id=uitnodiging.id, item_id=item.id))
        await session.flush()
    await log(
        session,
        actor,
        Actie.CREATE,
        GROEP[soort],
        "informatie inbrengen als uitgenodigde partij",
        casus_id=uitnodiging.casus_id,
        detail=f"uitnodiging={uitnodiging.id} grond={deelgrond}",
    )
    return item
