"""A measure the Minister of JenV announced in a casus is part of the person's data: it is in
the inzage, the Minister is consulted as its source, only the Minister may withhold it, and
the contactpunt can correct it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from verzoeken_casusdata import GemeenteFactory, Organisaties, maak_casusdata

from casushub.platform import klok
from casushub.platform.settings import Settings
from casushub.platform.tenancy import tenant_session
from casushub.tenants.maatregelen.models import VoorgenomenMaatregel
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import record
from casushub.tenants.verzoeken import bronnen, consultaties, rectificatie, services
from casushub.tenants.verzoeken.beperkingen import beperk_inzage
from casushub.tenants.verzoeken.besluit import neem_besluit
from casushub.tenants.verzoeken.inzage import inzage_document, render_html, verzamel
from casushub.tenants.verzoeken.rules import Besluituitkomst, Kanaal, VerzoekType
from casushub.tenants.verzoeken.schemas import NieuwVerzoek

OMSCHRIJVING = "Ontnemen van het paspoort."


async def _aangekondigd(
    session: AsyncSession, casus_id: uuid.UUID, jenv: uuid.UUID, **besluit: Any
) -> VoorgenomenMaatregel:
    """A measure the Minister (organisation ``jenv``) announced today in the casus."""
    maatregel = VoorgenomenMaatregel(
        casus_id=casus_id,
        organisatie_id=jenv,
        omschrijving=OMSCHRIJVING,
        bevoegdheid="Paspoortwet",
        aangekondigd_op=klok.vandaag(),
        **besluit,
    )
    session.add(maatregel)
    await session.flush()
    return maatregel


async def test_an_announced_measure_is_in_the_inzage_and_its_source_may_withhold_it(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    jenv = uuid.uuid4()
    gemeente = await nieuwe_gemeente()
    contactpunt = organisaties.actor(organisaties.gemeente, "gemeente_regie")
    vandaag = klok.vandaag()
    async with tenant_session(app_engine, gemeente.ref, settings) as session:
        async with session.begin():
            data = await maak_casusdata(session, organisaties, gemeente.code, "Mees Maatregel")
            maatregel = await _aangekondigd(
                session,
                data.casus.id,
                jenv,
                voorgenomen_op=vandaag + timedelta(days=14),
                besluit="kennisnemen",
                besluit_reden="Past niet in het plan.",
                besloten_op=vandaag,
            )
            verzoek = await services.registreer(
                session,
                contactpunt,
                NieuwVerzoek(
                    type=VerzoekType.INZAGE,
                    betrokkene_naam=data.persoon.naam,
                    indiener_naam=data.persoon.naam,
                    kanaal=Kanaal.BALIE,
                    persoon_id=data.persoon.id,
                ),
                gemeentecode=gemeente.code,
            )
        async with session.begin():
            geraadpleegd = {
                t.organisatie_id for t in await consultaties.consultaties(session, verzoek.id)
            }
            eigen = await bronnen.eigen_items(session, data.persoon.id, jenv)
            volledig = await verzamel(session, data.persoon.id, weggelaten=set())
        async with session.begin():
            await beperk_inzage(
                session,
                organisaties.actor(jenv),
                item_soort="voorgenomen_maatregel",
                item_id=maatregel.id,
                grond="nationale_veiligheid",
                herzien_op=vandaag + timedelta(days=30),
            )
            await neem_besluit(
                session,
                contactpunt,
                verzoek.id,
                uitkomst=Besluituitkomst.DEELS_TOEGEWEZEN,
                motivering="Beoordeeld na raadpleging van alle deelnemers.",
            )
        async with session.begin():
            beperkt = await inzage_document(session, contactpunt, verzoek.id)

    assert jenv in geraadpleegd
    assert [(e.soort, e.id, e.tekst) for e in eigen] == [
        ("voorgenomen_maatregel", maatregel.id, OMSCHRIJVING)
    ]
    (casus,) = volledig.document["casussen"]
    (getoond,) = casus["maatregelen_minister"]
    assert getoond["omschrijving"] == OMSCHRIJVING
    assert getoond["bevoegdheid"] == "Paspoortwet"
    assert getoond["besluit"] == "Kennisnemen (niet in het plan van aanpak)"
    assert ("voorgenomen_maatregel", maatregel.id) in {(i.soort, i.id) for i in volledig.items}
    html = render_html(volledig.document)
    assert "Maatregelen van de minister van Justitie en Veiligheid" in html
    assert OMSCHRIJVING in html
    # Withheld by its source: gone from the document and from the export's items.
    assert OMSCHRIJVING not in json.dumps(beperkt.document, ensure_ascii=False)
    assert maatregel.id not in {i.id for i in beperkt.items}


async def test_an_announced_measure_can_be_corrected_and_its_source_is_told(
    app_engine: AsyncEngine,
    settings: Settings,
    nieuwe_gemeente: GemeenteFactory,
    organisaties: Organisaties,
) -> None:
    jenv = uuid.uuid4()
    gemeente = await nieuwe_gemeente()
    contactpunt = organisaties.actor(organisaties.gemeente, "gemeente_regie")
    async with tenant_session(app_engine, gemeente.ref, settings) as session:
        async with session.begin():
            data = await maak_casusdata(session, organisaties, gemeente.code, "Ruud Rectificatie")
            maatregel = await _aangekondigd(session, data.casus.id, jenv)
            # The Minister's participant saw the casus: a recipient of the old value.
            await record(
                session,
                organisaties.actor(jenv),
                actie=Actie.READ,
                gegevensgroep="casus",
                doel="test",
                casus_id=data.casus.id,
            )
        async with session.begin():
            te_verbeteren = await rectificatie.verbeterbare_gegevens(session, data.persoon.id)
            correctie, meldingen = await rectificatie.rectificeer(
                session,
                contactpunt,
                item_soort="voorgenomen_maatregel",
                item_id=maatregel.id,
                veld="omschrijving",
                nieuwe_waarde="Weigeren van een nieuw paspoort.",
            )
        async with session.begin():
            await session.refresh(maatregel)

    assert ("voorgenomen_maatregel", maatregel.id, "omschrijving", OMSCHRIJVING) in {
        (v.item_soort, v.item_id, v.veld, v.huidig) for v in te_verbeteren
    }
    assert maatregel.omschrijving == "Weigeren van een nieuw paspoort."
    assert correctie.oude_waarde == OMSCHRIJVING
    # Whoever had the old value is told of the correction (AVG art. 19), the Minister too.
    assert jenv in {m.organisatie_id for m in meldingen}
