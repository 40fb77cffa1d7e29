"""Handling a request at the contactpunt: deadline, consultation, restriction, decision,
inzage export, rectification, erasure — on a real tenant schema."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from verzoeken_casusdata import Casusdata, GemeenteFactory, Organisaties, maak_casusdata

from casushub.platform import klok
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.bewaartermijnen.services import actieve_blokkades
from casushub.tenants.casus.models import Casus, InformatieItem
from casushub.tenants.exports.rules import ExportDoel
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.personen.models import Persoon
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import consultaties, services
from casushub.tenants.verzoeken.beperkingen import (
    actieve_beperkingen,
    beperk_inzage,
    bevestig_beperking,
    laat_beperkingen_vervallen,
)
from casushub.tenants.verzoeken.besluit import neem_besluit
from casushub.tenants.verzoeken.bewaking import bewaak
from casushub.tenants.verzoeken.inzage import inzage_document, render_html, render_pdf
from casushub.tenants.verzoeken.models import Onthouding, Rectificatie, Verzoek
from casushub.tenants.verzoeken.rectificatie import MELD_ACTOR, rectificeer
from casushub.tenants.verzoeken.rules import (
    Beperkingsstatus,
    Besluituitkomst,
    Kanaal,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
)
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.uitvoering import voer_uit
from casushub.tenants.verzoeken.verzoek import VerzoekGeenToegang

AMS = ZoneInfo("Europe/Amsterdam")
MOTIVERING = "Het verzoek is beoordeeld na raadpleging van alle deelnemers."


def _aanvraag(data: Casusdata, soort: VerzoekType = VerzoekType.INZAGE) -> NieuwVerzoek:
    return NieuwVerzoek(
        type=soort,
        betrokkene_naam=data.persoon.naam,
        indiener_naam=data.persoon.naam,
        kanaal=Kanaal.BALIE,
        indiener_telefoon="0612345678",
        persoon_id=data.persoon.id,
    )


async def _opzet(
    engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    orgs: Organisaties,
    soort: VerzoekType = VerzoekType.INZAGE,
    ontvangen: datetime | None = None,
) -> tuple[AsyncSession, Casusdata, Verzoek, Actor]:
    gemeente = await nieuwe_gemeente()
    session = tenant_session(engine, gemeente.ref, settings)
    contactpunt = orgs.actor(orgs.gemeente, "gemeente_regie")
    async with session.begin():
        data = await maak_casusdata(session, orgs, gemeente.code, "Ilse Inzage")
        stored = await services.registreer(
            session,
            contactpunt,
            _aanvraag(data, soort),
            gemeentecode=gemeente.code,
            ontvangen=ontvangen,
        )
    # Detached, the fixtures keep their values when a later transaction of a test rolls back.
    session.expunge_all()
    return session, data, stored, contactpunt


async def test_deadline_from_31_january_and_extension_only_before_it(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    ontvangen = datetime(2027, 1, 31, 23, 30, tzinfo=AMS)
    session, _, stored, contactpunt = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, ontvangen=ontvangen
    )
    async with session:
        assert stored.ontvangen_op == date(2027, 1, 31)  # Dutch day 0, though 22:30 UTC
        assert stored.termijn == date(2027, 3, 1)  # 28 February 2027 is a Sunday
        with pytest.raises(VerzoekRegelFout, match="verstreken"):
            async with session.begin():
                await services.verleng(
                    session,
                    contactpunt,
                    stored.id,
                    maanden=1,
                    reden="Veel deelnemers moeten worden geraadpleegd.",
                    kennisgeving_op=date(2027, 3, 2),
                )
        async with session.begin():
            verlenging = await services.verleng(
                session,
                contactpunt,
                stored.id,
                maanden=2,
                reden="Veel deelnemers moeten worden geraadpleegd.",
                kennisgeving_op=date(2027, 2, 26),
            )
        assert verlenging.nieuwe_termijn == date(2027, 4, 30)
        async with session.begin():
            refreshed = await session.get(Verzoek, stored.id, populate_existing=True)
            assert refreshed is not None
            assert refreshed.termijn == date(2027, 4, 30)
            assert refreshed.verlengd_maanden == 2
        with pytest.raises(VerzoekRegelFout, match="hooguit 2"):
            async with session.begin():
                await services.verleng(
                    session,
                    contactpunt,
                    stored.id,
                    maanden=1,
                    reden="Nog meer deelnemers moeten worden geraadpleegd.",
                    kennisgeving_op=date(2027, 3, 30),
                )


async def test_only_the_consulted_participant_answers(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, _, stored, _ = await _opzet(app_engine, settings, nieuwe_gemeente, organisaties)
    async with session:
        async with session.begin():
            taken = {
                t.organisatie_id: t.id for t in await consultaties.consultaties(session, stored.id)
            }
        politie_taak = taken[organisaties.politie]
        with pytest.raises(VerzoekGeenToegang):
            async with session.begin():
                await consultaties.beantwoord_consultatie(
                    session,
                    organisaties.actor(organisaties.om),
                    politie_taak,
                    "Namens de politie: geen bezwaar.",
                )
        async with session.begin():
            await consultaties.beantwoord_consultatie(
                session,
                organisaties.actor(organisaties.politie),
                politie_taak,
                "Geen bezwaar tegen verstrekking.",
            )
        async with session.begin():
            antwoorden = {
                t.organisatie_id: t.antwoord
                for t in await consultaties.consultaties(session, stored.id)
            }
    assert antwoorden[organisaties.politie] == "Geen bezwaar tegen verstrekking."
    assert antwoorden[organisaties.om] is None


async def test_restricted_item_is_absent_from_the_inzage_export(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data, stored, contactpunt = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties
    )
    om = organisaties.actor(organisaties.om)
    herzien = klok.vandaag() + timedelta(days=30)
    async with session:
        # Only the source may restrict its item.
        with pytest.raises(VerzoekGeenToegang):
            async with session.begin():
                await beperk_inzage(
                    session,
                    organisaties.actor(organisaties.politie),
                    item_soort="informatie_item",
                    item_id=data.item_om_strafrechtelijk.id,
                    grond="opsporing",
                    herzien_op=herzien,
                )
        async with session.begin():
            beperking = await beperk_inzage(
                session,
                om,
                item_soort="informatie_item",
                item_id=data.item_om_strafrechtelijk.id,
                grond="opsporing",
                toelichting="Lopend onderzoek 2027-0042.",
                herzien_op=herzien,
            )
        gevraagd_op = beperking.gevraagd_op
        # Withholding makes the decision partial at most.
        with pytest.raises(VerzoekRegelFout, match="deels"):
            async with session.begin():
                await neem_besluit(
                    session,
                    contactpunt,
                    stored.id,
                    uitkomst=Besluituitkomst.TOEGEWEZEN,
                    motivering=MOTIVERING,
                )
        async with session.begin():
            besluit = await neem_besluit(
                session,
                contactpunt,
                stored.id,
                uitkomst=Besluituitkomst.DEELS_TOEGEWEZEN,
                motivering=MOTIVERING,
            )
        async with session.begin():
            (onthouding,) = (
                await session.scalars(select(Onthouding).where(Onthouding.besluit_id == besluit.id))
            ).all()
            inzage = await inzage_document(
                session,
                contactpunt,
                stored.id,
                organisatienamen={organisaties.politie: "Politie Eenheid Noord"},
            )
        exports = (
            await session.scalars(select(Verwerking).where(Verwerking.actie == Actie.EXPORT))
        ).all()
    # The decision records the ground, who asked and when.
    assert onthouding.item_id == data.item_om_strafrechtelijk.id
    assert onthouding.grond == "opsporing"
    assert onthouding.gevraagd_door_organisatie == organisaties.om
    assert onthouding.gevraagd_op == gevraagd_op
    # The export leaves the item out entirely, and shows the rest.
    text = json.dumps(inzage.document, ensure_ascii=False)
    assert data.item_om_strafrechtelijk.tekst not in text
    assert "2027-0042" not in text
    assert "opsporing" not in text
    assert data.item_politie.tekst in text
    assert data.signaal.omschrijving in text
    assert data.agendapunt.notulen in text
    assert "Politie Eenheid Noord" in text
    assert data.item_om_strafrechtelijk.id not in {item.id for item in inzage.items}
    html = render_html(inzage.document)
    assert data.item_politie.tekst in html
    assert data.item_om_strafrechtelijk.tekst not in html
    assert render_pdf(inzage.document).startswith(b"%PDF")
    assert [e.doel for e in exports] == [ExportDoel.INZAGE_BETROKKENE.value]
    assert exports[0].persoon_id == data.persoon.id


async def test_restriction_not_confirmed_by_its_review_date_lapses(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data, _, _ = await _opzet(app_engine, settings, nieuwe_gemeente, organisaties)
    om = organisaties.actor(organisaties.om)
    vandaag = klok.vandaag()
    async with session:
        async with session.begin():
            eerste = await beperk_inzage(
                session,
                om,
                item_soort="informatie_item",
                item_id=data.item_om_strafrechtelijk.id,
                grond="opsporing",
                herzien_op=vandaag + timedelta(days=10),
            )
            tweede = await beperk_inzage(
                session,
                organisaties.actor(organisaties.politie),
                item_soort="signaal",
                item_id=data.signaal.id,
                grond="rechten_anderen",
                herzien_op=vandaag + timedelta(days=10),
            )
        # On the review day the OM confirms; the police does not.
        review = vandaag + timedelta(days=10)
        async with session.begin():
            await bevestig_beperking(
                session, om, eerste.id, herzien_op=review + timedelta(days=60), op=review
            )
        dag_na = review + timedelta(days=1)
        async with session.begin():
            actief = await actieve_beperkingen(session, data.persoon.id, op=dag_na)
        assert {b.id for b in actief} == {eerste.id}
        async with session.begin():
            vervallen = await laat_beperkingen_vervallen(session, Actor.system("test"), dag_na)
        assert vervallen == 1
        async with session.begin():
            await session.refresh(tweede)
        assert tweede.status == Beperkingsstatus.VERVALLEN
        with pytest.raises(VerzoekRegelFout, match="vervallen"):
            async with session.begin():
                await bevestig_beperking(
                    session,
                    organisaties.actor(organisaties.politie),
                    tweede.id,
                    herzien_op=dag_na + timedelta(days=30),
                    op=dag_na,
                )


async def test_rectification_notifies_every_recipient_of_the_old_value(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data, stored, contactpunt = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, soort=VerzoekType.RECTIFICATIE
    )
    politie = organisaties.actor(organisaties.politie)
    ggz = organisaties.actor(organisaties.ggz, "invited_party")
    buitenstaander = organisaties.actor(uuid.uuid4())
    async with session:
        async with session.begin():
            # Police read the person; the invited GGZ saw the casus; someone else only searched.
            await record(
                session,
                politie,
                actie=Actie.READ,
                gegevensgroep="persoon",
                doel="casusoverleg",
                persoon_id=data.persoon.id,
            )
            await record(
                session,
                ggz,
                actie=Actie.READ,
                gegevensgroep="informatie_item",
                doel="uitnodiging",
                casus_id=data.casus.id,
            )
            await record(
                session,
                buitenstaander,
                actie=Actie.SEARCH,
                gegevensgroep="persoon",
                doel="zoeken",
            )
        async with session.begin():
            correctie, meldingen = await rectificeer(
                session,
                contactpunt,
                item_soort="informatie_item",
                item_id=data.item_politie.id,
                veld="tekst",
                nieuwe_waarde="Woont sinds april op het Stationsplein 6.",
                verzoek_id=stored.id,
            )
        async with session.begin():
            item = await session.get(InformatieItem, data.item_politie.id, populate_existing=True)
            history = (await session.scalars(select(Rectificatie))).all()
            outbox = (
                await session.scalars(
                    select(OutboxEntry).where(OutboxEntry.actor_name == MELD_ACTOR)
                )
            ).all()
    assert item is not None
    assert item.tekst == "Woont sinds april op het Stationsplein 6."
    assert [(h.oude_waarde, h.nieuwe_waarde) for h in history] == [
        ("Woont sinds maart op het Stationsplein 4.", "Woont sinds april op het Stationsplein 6.")
    ]
    assert {(m.organisatie_id, m.user_id) for m in meldingen} == {
        (organisaties.politie, politie.user_id),
        (organisaties.ggz, ggz.user_id),
    }
    assert [entry.payload for entry in outbox] == [{"rectificatie_id": str(correctie.id)}]


async def test_granted_erasure_destroys_everything_of_the_person(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, _, stored, contactpunt = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, soort=VerzoekType.VERWIJDERING
    )
    async with session:
        with pytest.raises(VerzoekRegelFout):
            async with session.begin():
                await voer_uit(session, contactpunt, stored.id)  # no decision yet
        async with session.begin():
            await neem_besluit(
                session,
                contactpunt,
                stored.id,
                uitkomst=Besluituitkomst.TOEGEWEZEN,
                motivering="De gegevens zijn niet langer nodig voor de aanpak.",
            )
        async with session.begin():
            destroyed = await voer_uit(session, contactpunt, stored.id)
        async with session.begin():
            counts = [
                await session.scalar(select(func.count()).select_from(model))
                for model in (Persoon, Casus, Signaal, InformatieItem)
            ]
            refreshed = await session.get(Verzoek, stored.id, populate_existing=True)
    # The casus and its signal, each with a deletion receipt.
    assert destroyed == 2
    assert counts == [0, 0, 0, 0]
    assert refreshed is not None
    assert refreshed.status == VerzoekStatus.UITGEVOERD
    assert refreshed.persoon_id is None


async def test_a_pending_request_holds_destruction_until_it_is_decided(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    session, data, stored, contactpunt = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties
    )
    async with session:
        async with session.begin():
            holds = await actieve_blokkades(session, data.persoon.id)
        assert [(h.grond, h.verzoek_id) for h in holds] == [("verzoek", stored.id)]
        async with session.begin():
            await neem_besluit(
                session,
                contactpunt,
                stored.id,
                uitkomst=Besluituitkomst.TOEGEWEZEN,
                motivering=MOTIVERING,
            )
        async with session.begin():
            assert await actieve_blokkades(session, data.persoon.id) == []


async def test_the_daily_watch_reminds_once_per_day_and_lets_restrictions_lapse(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    vandaag = klok.vandaag()
    ontvangen = datetime.combine(vandaag - timedelta(days=27), datetime.min.time(), tzinfo=AMS)
    session, data, stored, _ = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, ontvangen=ontvangen
    )
    systeem = Actor.system("test")
    async with session:
        async with session.begin():
            beperking = await beperk_inzage(
                session,
                organisaties.actor(organisaties.om),
                item_soort="informatie_item",
                item_id=data.item_om_strafrechtelijk.id,
                grond="opsporing",
                herzien_op=vandaag + timedelta(days=3),
            )
            beperking_id = beperking.id
        async with session.begin():
            eerste = await bewaak(session, systeem, vandaag)
        async with session.begin():
            tweede = await bewaak(session, systeem, vandaag)
        # Days later: deadline passed, consultations unanswered, the restriction unconfirmed.
        later = stored.termijn + timedelta(days=1)
        async with session.begin():
            derde = await bewaak(session, systeem, later)
    assert ("termijn_nadert", stored.id) in eerste.herinneringen
    assert ("beperking_herzien", beperking_id) in eerste.herinneringen
    assert tweede.herinneringen == []
    assert ("termijn_verstreken", stored.id) in derde.herinneringen
    # Gemeente, politie, OM, reclassering and the GGZ (derde) were asked.
    assert sum(soort == "consultatie_verlopen" for soort, _ in derde.herinneringen) == 5
    assert derde.vervallen == 1
