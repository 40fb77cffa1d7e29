"""Routing by gemeente van verblijf (Besluit art. 2(2)), across tenants and to a hand-over."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from verzoeken_casusdata import GemeenteFactory, Organisaties, maak_casusdata

from casushub.crosstenant.contactpunt import Uitkomst, routeer, verplaats
from casushub.platform.klok import vandaag
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.bewaartermijnen.services import actieve_blokkades
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verzoeken.models import Consultatie, Doorzending, Verzoek
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekStatus, VerzoekType, termijn
from casushub.tenants.verzoeken.schemas import NieuwVerzoek

NIET_OP_HUB = "0150"


def _aanvraag(persoon_id: uuid.UUID | None = None, naam: str = "") -> NieuwVerzoek:
    return NieuwVerzoek(
        type=VerzoekType.INZAGE,
        betrokkene_naam=naam,
        indiener_naam="Advocaat mr. De Wit",
        kanaal=Kanaal.BRIEF,
        indiener_adres="Postbus 12, 1000 AA Amsterdam",
        bericht="Mijn cliënt wil weten welke gegevens er zijn.",
        persoon_id=persoon_id,
    )


async def test_request_received_elsewhere_lands_at_the_gemeente_van_verblijf(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    ontvanger, verblijf = await nieuwe_gemeente(), await nieuwe_gemeente()
    async with tenant_session(app_engine, ontvanger.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, organisaties, verblijf.code, "Yusuf Verhuisd")
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")

    routing = await routeer(
        app_engine, settings, actor, _aanvraag(data.persoon.id), van=ontvanger.ref
    )

    assert routing.uitkomst is Uitkomst.DOORGESTUURD
    assert routing.tenant == verblijf.ref
    assert routing.gemeentecode == verblijf.code
    async with tenant_session(app_engine, verblijf.ref, settings) as s:
        verzoeken = (await s.scalars(select(Verzoek))).all()
    assert [v.ontvangstnummer for v in verzoeken] == [routing.ontvangstnummer]
    (stored,) = verzoeken
    assert stored.betrokkene_naam == "Yusuf Verhuisd"
    assert stored.betrokkene_geboortedatum == data.persoon.geboortedatum
    assert stored.gemeente_van_verblijf == verblijf.code
    assert stored.ontvangen_bij == ontvanger.ref.slug
    assert stored.ontvangen_op == vandaag()
    assert stored.termijn == termijn(vandaag())
    assert stored.status == VerzoekStatus.ONTVANGEN
    async with tenant_session(app_engine, ontvanger.ref, settings) as s:
        assert (await s.scalar(select(func.count()).select_from(Verzoek))) == 0
        (receipt,) = (await s.scalars(select(Doorzending))).all()
    assert receipt.naar_tenant_id == verblijf.ref.id
    assert receipt.naar_gemeentecode == verblijf.code
    assert receipt.ontvangstnummer == routing.ontvangstnummer


async def test_nothing_but_the_request_crosses_to_the_contactpunt(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    ontvanger, verblijf = await nieuwe_gemeente(), await nieuwe_gemeente()
    async with tenant_session(app_engine, ontvanger.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, organisaties, verblijf.code, "Noor Grensganger")
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")

    await routeer(app_engine, settings, actor, _aanvraag(data.persoon.id), van=ontvanger.ref)

    async with tenant_session(app_engine, verblijf.ref, settings) as s:
        (stored,) = (await s.scalars(select(Verzoek))).all()
        personen = await s.scalar(select(func.count()).select_from(Persoon))
        consultaties = await s.scalar(select(func.count()).select_from(Consultatie))
        log = (await s.scalars(select(Verwerking))).all()
    # The receiving side's record id, its case data and its sources stay home.
    assert stored.persoon_id is None
    assert personen == 0
    assert consultaties == 0
    values = {str(getattr(stored, c.key)) for c in Verzoek.__table__.columns}
    for foreign in (data.persoon.id, data.casus.id, data.signaal.id, data.item_politie.id):
        assert str(foreign) not in values
    assert data.item_politie.tekst not in values
    assert data.signaal.omschrijving not in values
    # In the contactpunt's log: a system action, about no local person.
    assert [(e.actie, e.rol, e.persoon_id) for e in log] == [(Actie.CREATE, "systeem", None)]
    async with tenant_session(app_engine, ontvanger.ref, settings) as s:
        (receipt,) = (await s.scalars(select(Doorzending))).all()
        exports = (
            await s.scalars(select(Verwerking).where(Verwerking.actie == Actie.EXPORT))
        ).all()
    receipt_values = " ".join(str(getattr(receipt, c.key)) for c in Doorzending.__table__.columns)
    assert "Noor" not in receipt_values
    assert "Grensganger" not in receipt_values
    assert str(data.persoon.id) not in receipt_values
    assert len(exports) == 1
    assert exports[0].detail is not None
    assert f"naar=GM{verblijf.code}" in exports[0].detail


async def test_request_for_a_resident_stays_and_consults_every_source(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    gemeente = await nieuwe_gemeente()
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, organisaties, gemeente.code, "Sam Inwoner")
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")

    routing = await routeer(
        app_engine, settings, actor, _aanvraag(data.persoon.id), van=gemeente.ref
    )

    assert routing.uitkomst is Uitkomst.ONTVANGEN
    async with tenant_session(app_engine, gemeente.ref, settings) as s:
        (stored,) = (await s.scalars(select(Verzoek))).all()
        taken = (await s.scalars(select(Consultatie))).all()
    assert stored.persoon_id == data.persoon.id
    assert stored.status == VerzoekStatus.IN_BEHANDELING
    # Signal (politie), items (politie, OM), weging (gemeente, politie, OM), plan
    # (reclassering), and the invited GGZ (a derde) that reports on its intervention.
    assert {t.organisatie_id for t in taken} == {
        organisaties.gemeente,
        organisaties.politie,
        organisaties.om,
        organisaties.reclassering,
        organisaties.ggz,
    }
    assert all(vandaag() < t.termijn < stored.termijn for t in taken)


async def test_gemeente_van_verblijf_not_on_the_hub_gets_a_hand_over(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    ontvanger = await nieuwe_gemeente()
    async with tenant_session(app_engine, ontvanger.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, organisaties, NIET_OP_HUB, "Eva Elders")
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")

    routing = await routeer(
        app_engine, settings, actor, _aanvraag(data.persoon.id), van=ontvanger.ref
    )

    assert routing.uitkomst is Uitkomst.OVERDRACHT
    assert routing.tenant == ontvanger.ref
    assert routing.overdracht_aan is not None
    assert f"GM{NIET_OP_HUB}" in routing.overdracht_aan
    async with tenant_session(app_engine, ontvanger.ref, settings) as s:
        (stored,) = (await s.scalars(select(Verzoek))).all()
        consultaties = await s.scalar(select(func.count()).select_from(Consultatie))
    assert stored.status == VerzoekStatus.OVERDRACHT
    assert stored.overdracht_aan == routing.overdracht_aan
    assert stored.gemeente_van_verblijf == NIET_OP_HUB
    # Not the contactpunt: it does not start the consultation for all controllers.
    assert consultaties == 0


async def test_the_hub_registers_for_a_municipality_or_hands_over_without_storing(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    verblijf = await nieuwe_gemeente()
    hub_actor = dataclasses.replace(
        organisaties.actor(uuid.uuid4(), "procesregisseur"), request_id="hub"
    )
    routing = await routeer(
        app_engine,
        settings,
        hub_actor,
        _aanvraag(naam="Lotte Loket"),
        van=None,
        gemeente_van_verblijf=verblijf.code,
    )
    assert routing.uitkomst is Uitkomst.DOORGESTUURD
    async with tenant_session(app_engine, verblijf.ref, settings) as s:
        (stored,) = (await s.scalars(select(Verzoek))).all()
    assert stored.ontvangen_bij == "hub"
    assert stored.betrokkene_naam == "Lotte Loket"

    elders = await routeer(
        app_engine,
        settings,
        hub_actor,
        _aanvraag(naam="Lotte Loket"),
        van=None,
        gemeente_van_verblijf=NIET_OP_HUB,
    )
    assert elders.uitkomst is Uitkomst.OVERDRACHT
    assert elders.tenant is None
    assert elders.verzoek_id is None


async def test_a_running_request_follows_the_person_who_moves(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    oud, nieuw = await nieuwe_gemeente(), await nieuwe_gemeente()
    async with tenant_session(app_engine, oud.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, organisaties, oud.code, "Mo Verhuizer")
    actor = organisaties.actor(organisaties.gemeente, "gemeente_regie")
    eerst = await routeer(app_engine, settings, actor, _aanvraag(data.persoon.id), van=oud.ref)
    assert eerst.verzoek_id is not None
    async with tenant_session(app_engine, oud.ref, settings) as s, s.begin():
        persoon = await s.get(Persoon, data.persoon.id)
        assert persoon is not None
        persoon.gemeente_van_verblijf = nieuw.code
        before = await s.get(Verzoek, eerst.verzoek_id)
        assert before is not None
        dag0, deadline = before.ontvangen_op, before.termijn

    moved = await verplaats(app_engine, settings, actor, van=oud.ref, verzoek_id=eerst.verzoek_id)

    assert moved.uitkomst is Uitkomst.DOORGESTUURD
    assert moved.tenant == nieuw.ref
    async with tenant_session(app_engine, nieuw.ref, settings) as s:
        (stored,) = (await s.scalars(select(Verzoek))).all()
    assert stored.ontvangstnummer == eerst.ontvangstnummer
    assert (stored.ontvangen_op, stored.termijn) == (dag0, deadline)
    assert stored.persoon_id is None
    assert stored.ontvangen_bij == oud.ref.slug
    async with tenant_session(app_engine, oud.ref, settings) as s, s.begin():
        assert await s.scalar(select(func.count()).select_from(Verzoek)) == 0
        assert await s.scalar(select(func.count()).select_from(Consultatie)) == 0
        (receipt,) = (await s.scalars(select(Doorzending))).all()
        assert await actieve_blokkades(s, data.persoon.id) == []
    assert receipt.ontvangstnummer == eerst.ontvangstnummer
    assert receipt.naar_tenant_id == nieuw.ref.id
