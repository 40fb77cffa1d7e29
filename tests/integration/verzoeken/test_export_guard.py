"""Purpose-bound exports: purpose required, intervention referenced, sources approve, logged."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from verzoeken_casusdata import Casusdata, GemeenteFactory, Organisaties, maak_casusdata

from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.exports.models import Export
from casushub.tenants.exports.rules import (
    Bestemming,
    ExportDoel,
    ExportGeweigerd,
    ExportItem,
    Formaat,
)
from casushub.tenants.exports.services import beslis_goedkeuring, exporteer, vraag_goedkeuringen
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking


async def _opzet(
    engine: AsyncEngine, settings: Settings, factory: GemeenteFactory, orgs: Organisaties
) -> tuple[AsyncSession, Casusdata]:
    gemeente = await factory()
    session = tenant_session(engine, gemeente.ref, settings)
    async with session.begin():
        data = await maak_casusdata(session, orgs, gemeente.code, "Erik Export")
    session.expunge_all()
    return session, data


def _items(data: Casusdata) -> list[ExportItem]:
    return [
        ExportItem(
            "informatie_item", data.item_politie.id, "gewoon", data.item_politie.bron_organisatie_id
        ),
    ]


async def _exportlog(session: AsyncSession) -> list[Verwerking]:
    async with session.begin():
        return list(
            (
                await session.scalars(
                    select(Verwerking).where(Verwerking.actie.in_([Actie.EXPORT, Actie.PRINT]))
                )
            ).all()
        )


async def test_export_without_a_purpose_is_refused_and_not_logged(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data = await _opzet(app_engine, settings, nieuwe_gemeente, organisaties)
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")
    async with session:
        for doel in (None, "", "   ", "omdat het kan"):
            with pytest.raises(ExportGeweigerd) as refused:
                async with session.begin():
                    await exporteer(
                        session,
                        actor,
                        doel=doel,
                        bestemming=Bestemming.CASUSOVERLEG,
                        formaat=Formaat.PDF,
                        items=_items(data),
                        casus_id=data.casus.id,
                    )
            assert refused.value.field == "doel"
        assert await _exportlog(session) == []
        async with session.begin():
            await exporteer(
                session,
                actor,
                doel=ExportDoel.CASUSOVERLEG,
                bestemming=Bestemming.CASUSOVERLEG,
                formaat=Formaat.AFDRUK,
                items=_items(data),
                casus_id=data.casus.id,
            )
        (entry,) = await _exportlog(session)
    assert entry.actie == Actie.PRINT
    assert entry.doel == ExportDoel.CASUSOVERLEG.value
    assert entry.casus_id == data.casus.id
    assert entry.organisation_id == organisaties.gemeente


async def test_export_to_another_municipal_process_needs_an_existing_intervention(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data = await _opzet(app_engine, settings, nieuwe_gemeente, organisaties)
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")

    async def poging(doel: ExportDoel, interventie_id: uuid.UUID | None) -> Export:
        async with session.begin():
            return await exporteer(
                session,
                actor,
                doel=doel,
                bestemming=Bestemming.GEMEENTELIJK_PROCES,
                formaat=Formaat.JSON,
                items=_items(data),
                casus_id=data.casus.id,
                interventie_id=interventie_id,
            )

    async with session:
        with pytest.raises(ExportGeweigerd, match="uitvoering interventie"):
            await poging(ExportDoel.CASUSOVERLEG, data.interventie.id)
        with pytest.raises(ExportGeweigerd, match="bestaande interventie"):
            await poging(ExportDoel.UITVOERING_INTERVENTIE, None)
        with pytest.raises(ExportGeweigerd, match="bestaande interventie"):
            await poging(ExportDoel.UITVOERING_INTERVENTIE, uuid.uuid4())
        export = await poging(ExportDoel.UITVOERING_INTERVENTIE, data.interventie.id)
        (entry,) = await _exportlog(session)
    assert export.interventie_id == data.interventie.id
    assert entry.doel == "uitvoering interventie uit plan van aanpak"


async def test_criminal_data_leave_only_with_the_sources_approval(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data = await _opzet(app_engine, settings, nieuwe_gemeente, organisaties)
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")
    items = [
        *_items(data),
        ExportItem(
            "informatie_item",
            data.item_om_strafrechtelijk.id,
            "strafrechtelijk",
            organisaties.om,
        ),
    ]

    async def poging() -> Export:
        async with session.begin():
            return await exporteer(
                session,
                actor,
                doel=ExportDoel.UITVOERING_INTERVENTIE,
                bestemming=Bestemming.DEELNEMER,
                formaat=Formaat.PDF,
                items=items,
                casus_id=data.casus.id,
                interventie_id=data.interventie.id,
            )

    async with session:
        with pytest.raises(ExportGeweigerd, match="goedkeuring"):
            await poging()
        async with session.begin():
            (vraag,) = await vraag_goedkeuringen(
                session,
                actor,
                doel=ExportDoel.UITVOERING_INTERVENTIE,
                bestemming=Bestemming.DEELNEMER,
                items=items,
            )
            vraag_id = vraag.id
        with pytest.raises(ExportGeweigerd, match="aanleverde"):
            async with session.begin():
                await beslis_goedkeuring(
                    session, organisaties.actor(organisaties.politie), vraag_id, goedkeuren=True
                )
        with pytest.raises(ExportGeweigerd, match="goedkeuring"):
            await poging()
        async with session.begin():
            await beslis_goedkeuring(
                session, organisaties.actor(organisaties.om), vraag_id, goedkeuren=True
            )
        export = await poging()
    assert export.aantal_items == 2
