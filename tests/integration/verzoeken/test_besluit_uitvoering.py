"""The contactpunt's one decision, carried out in the same transaction, per type of request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from verzoeken_casusdata import (
    Casusdata,
    Gemeente,
    GemeenteFactory,
    Organisaties,
    maak_casusdata,
)

from casushub.platform import klok
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.bewaartermijnen.models import JuridischeBlokkade, Vernietigingsbewijs
from casushub.tenants.bewaartermijnen.services import actieve_blokkades
from casushub.tenants.casus.models import Casus
from casushub.tenants.outbox.models import OutboxEntry
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import afhandeling, services
from casushub.tenants.verzoeken.beperkingen import beperk_inzage
from casushub.tenants.verzoeken.inzage import inzage_document
from casushub.tenants.verzoeken.models import Besluit, Onthouding, Rectificatie, Verzoek
from casushub.tenants.verzoeken.rectificatie import MELD_ACTOR, verbeterbare_gegevens
from casushub.tenants.verzoeken.rules import (
    Besluituitkomst,
    Kanaal,
    VerzoekRegelFout,
    VerzoekStatus,
    VerzoekType,
)
from casushub.tenants.verzoeken.schemas import NieuwVerzoek

MOTIVERING = "Beoordeeld na raadpleging van alle deelnemers."


async def _opzet(
    engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    orgs: Organisaties,
    soort: VerzoekType,
) -> tuple[Gemeente, Casusdata, Verzoek]:
    gemeente = await nieuwe_gemeente()
    contactpunt = orgs.actor(orgs.gemeente, "contactpunt")
    async with tenant_session(engine, gemeente.ref, settings) as s, s.begin():
        data = await maak_casusdata(s, orgs, gemeente.code, "Bea Besluit")
        stored = await services.registreer(
            s,
            contactpunt,
            NieuwVerzoek(
                type=soort,
                betrokkene_naam="Bea Besluit",
                indiener_naam="Bea Besluit",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode=gemeente.code,
        )
        await services.koppel_persoon(s, contactpunt, stored.id, data.persoon.id, dagen=7)
    return gemeente, data, stored


async def test_inzage_leaves_the_restricted_item_out_and_counts_it(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    gemeente, data, stored = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, VerzoekType.INZAGE
    )
    contactpunt = organisaties.actor(organisaties.gemeente, "contactpunt")
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        await beperk_inzage(
            s,
            organisaties.actor(organisaties.om),
            item_soort="informatie_item",
            item_id=data.item_om_strafrechtelijk.id,
            grond="opsporing",
            herzien_op=klok.vandaag() + timedelta(days=30),
        )
        with pytest.raises(VerzoekRegelFout, match="deels toegewezen"):
            async with s.begin_nested():
                await afhandeling.beslis_en_voer_uit(
                    s,
                    contactpunt,
                    stored.id,
                    uitkomst=Besluituitkomst.TOEGEWEZEN,
                    motivering=MOTIVERING,
                )
        besluit = await afhandeling.beslis_en_voer_uit(
            s,
            contactpunt,
            stored.id,
            uitkomst=Besluituitkomst.DEELS_TOEGEWEZEN,
            motivering=MOTIVERING,
        )
        onthouden = (
            await s.scalars(select(Onthouding).where(Onthouding.besluit_id == besluit.id))
        ).all()
        inzage = await inzage_document(s, contactpunt, stored.id)
        found = await s.get(Verzoek, stored.id)
        assert found is not None
        assert found.status == VerzoekStatus.UITGEVOERD
    assert [o.item_id for o in onthouden] == [data.item_om_strafrechtelijk.id]
    tekst = str(inzage.document)
    assert "opsporingsonderzoek" not in tekst
    assert "Stationsplein" in tekst  # the unrestricted item of the politie


async def test_rectification_corrects_with_history_and_notifies_recipients(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    gemeente, data, stored = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, VerzoekType.RECTIFICATIE
    )
    contactpunt = organisaties.actor(organisaties.gemeente, "contactpunt")
    lezer = organisaties.actor(organisaties.politie)
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        # The politie read the person before: a recipient of the old value.
        await record(
            s,
            lezer,
            actie=Actie.READ,
            gegevensgroep="persoon",
            doel="test",
            persoon_id=data.persoon.id,
        )
        keuzes = await verbeterbare_gegevens(s, data.persoon.id)
        naam = next(k for k in keuzes if k.item_soort == "persoon" and k.veld == "naam")
        assert naam.huidig == "Bea Besluit"
        with pytest.raises(VerzoekRegelFout, match="Kies welk gegeven"):
            async with s.begin_nested():
                await afhandeling.beslis_en_voer_uit(
                    s,
                    contactpunt,
                    stored.id,
                    uitkomst=Besluituitkomst.TOEGEWEZEN,
                    motivering=MOTIVERING,
                )
        await afhandeling.beslis_en_voer_uit(
            s,
            contactpunt,
            stored.id,
            uitkomst=Besluituitkomst.TOEGEWEZEN,
            motivering=MOTIVERING,
            correctie=afhandeling.Correctie(
                "persoon", data.persoon.id, "naam", "Bea Besluit-Bakker"
            ),
        )
        persoon = await s.get(Persoon, data.persoon.id)
        (correctie,) = (await s.scalars(select(Rectificatie))).all()
        outbox = (
            await s.scalars(select(OutboxEntry).where(OutboxEntry.actor_name == MELD_ACTOR))
        ).all()
    assert persoon is not None
    assert persoon.naam == "Bea Besluit-Bakker"
    assert (correctie.oude_waarde, correctie.nieuwe_waarde) == ("Bea Besluit", "Bea Besluit-Bakker")
    assert correctie.verzoek_id == stored.id
    assert len(outbox) == 1


async def test_erasure_destroys_through_retention_with_receipts(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    gemeente, _data, stored = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, VerzoekType.VERWIJDERING
    )
    contactpunt = organisaties.actor(organisaties.gemeente, "contactpunt")
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        besluit = await afhandeling.beslis_en_voer_uit(
            s, contactpunt, stored.id, uitkomst=Besluituitkomst.TOEGEWEZEN, motivering=MOTIVERING
        )
        bewijzen = (
            await s.scalars(
                select(Vernietigingsbewijs).where(
                    Vernietigingsbewijs.batch_id == besluit.vernietiging_batch_id
                )
            )
        ).all()
        casussen = await s.scalar(select(func.count()).select_from(Casus))
        personen = await s.scalar(select(func.count()).select_from(Persoon))
        found = await s.get(Verzoek, stored.id)
    assert besluit.vernietiging_batch_id is not None
    assert sorted(b.soort for b in bewijzen) == ["casus", "persoon", "signaal"]
    assert all(stored.ontvangstnummer in b.regel for b in bewijzen)
    assert "Bea" not in " ".join(b.regel for b in bewijzen)
    assert (casussen, personen) == (0, 0)
    assert found is not None
    assert found.status == VerzoekStatus.UITGEVOERD


@pytest.mark.parametrize("soort", [VerzoekType.BEPERKING, VerzoekType.BEZWAAR])
async def test_restriction_and_objection_hold_the_data_until_lifted(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
    soort: VerzoekType,
) -> None:
    gemeente, data, stored = await _opzet(
        app_engine, settings, nieuwe_gemeente, organisaties, soort
    )
    contactpunt = organisaties.actor(organisaties.gemeente, "contactpunt")
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        besluit = await afhandeling.beslis_en_voer_uit(
            s, contactpunt, stored.id, uitkomst=Besluituitkomst.TOEGEWEZEN, motivering=MOTIVERING
        )
        (blokkade,) = await actieve_blokkades(s, data.persoon.id)
        assert blokkade.id == besluit.blokkade_id
        assert blokkade.grond == soort.value
        with pytest.raises(VerzoekRegelFout, match="reden"):
            async with s.begin_nested():
                await afhandeling.hef_verwerkingsbeperking_op(s, contactpunt, stored.id, reden="")
        await afhandeling.hef_verwerkingsbeperking_op(
            s, contactpunt, stored.id, reden="De betrokkene trok het bezwaar in."
        )
        assert await actieve_blokkades(s, data.persoon.id) == []
        lifted = await s.get(JuridischeBlokkade, blokkade.id)
        assert lifted is not None
        assert lifted.opgeheven_op is not None


async def test_a_person_not_known_is_answered_as_such_and_nothing_is_done(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    gemeente = await nieuwe_gemeente()
    contactpunt = organisaties.actor(organisaties.gemeente, "contactpunt")
    async with tenant_session(app_engine, gemeente.ref, settings) as s, s.begin():
        stored = await services.registreer(
            s,
            contactpunt,
            NieuwVerzoek(
                type=VerzoekType.VERWIJDERING,
                betrokkene_naam="Niemand Bekend",
                indiener_naam="Niemand Bekend",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode=gemeente.code,
        )
        with pytest.raises(VerzoekRegelFout, match="Koppel het verzoek eerst"):
            async with s.begin_nested():
                await afhandeling.beslis_en_voer_uit(
                    s,
                    contactpunt,
                    stored.id,
                    uitkomst=Besluituitkomst.TOEGEWEZEN,
                    motivering=MOTIVERING,
                )
        await services.persoon_onbekend(s, contactpunt, stored.id)
        besluit = await afhandeling.beslis_en_voer_uit(
            s, contactpunt, stored.id, uitkomst=Besluituitkomst.TOEGEWEZEN, motivering=MOTIVERING
        )
        found = await s.get(Verzoek, stored.id)
    assert besluit.vernietiging_batch_id is None
    assert found is not None
    assert found.status == VerzoekStatus.UITGEVOERD
    assert isinstance(besluit, Besluit)
