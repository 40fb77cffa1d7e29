"""The Wet's boundary: why a signal falls under it, 'valt niet onder deze wet', and no legal
basis of the Wet on anything that did not pass a weging 'opname'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from casusfabriek import ALLE_CRITERIA, Organisaties, Sessie, nieuw_signaal, weging
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casushub.platform import klok
from casushub.platform.tenancy import TenantRef
from casushub.tenants.bewaartermijnen.rules import add_years
from casushub.tenants.casus.errors import RegelFout, RegelFouten
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.signalen.models import Signaal
from casushub.tenants.signalen.services import NieuwSignaal, registreer_signaal
from casushub.tenants.weging.rules import Uitkomst


def _invoer(orgs: Organisaties, **extra: object) -> NieuwSignaal:
    return NieuwSignaal(
        "Grens Geval",
        "9801",
        "zorgen",
        orgs.politie,
        klok.vandaag(),
        **extra,  # type: ignore[arg-type]
    )


async def test_a_signal_says_why_it_falls_under_the_wet(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    for extra, veld in (
        ({"aanleiding": "overlast"}, "aanleiding"),
        ({"aanleiding": ""}, "aanleiding"),
        ({"aanleiding": "radicalisering", "aanleiding_toelichting": " "}, "aanleiding_toelichting"),
    ):
        with pytest.raises(RegelFouten) as fout:
            async with sessie(tenant_a) as s:
                await registreer_signaal(s, orgs.regie, _invoer(orgs, **extra))
        assert veld in fout.value.fouten
    async with sessie(tenant_a) as s:
        signaal = await registreer_signaal(
            s,
            orgs.regie,
            _invoer(
                orgs,
                aanleiding="terroristische_activiteiten",
                aanleiding_toelichting="Zoekt contact met een netwerk dat aanslagen beraamt.",
            ),
        )
        signaal_id = signaal.id
    async with sessie(tenant_a) as s:
        opgeslagen = await s.get(Signaal, signaal_id)
        assert opgeslagen is not None
        assert opgeslagen.aanleiding == "terroristische_activiteiten"
        assert opgeslagen.aanleiding_toelichting is not None


async def test_valt_niet_onder_deze_wet_closes_the_signal_with_the_short_retention(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs, "Buiten De Wet")
        gewogen = await weging(s, orgs, signaal, Uitkomst.NIET_ONDER_WET.value)
        weging_id, datum = gewogen.id, gewogen.datum
    async with sessie(tenant_a) as s:
        gesloten = await s.get(Signaal, signaal.id)
        assert gesloten is not None
        assert gesloten.status == "geen_actie"
        assert gesloten.destroy_on == add_years(datum, 1)
        # It never becomes a casus: not through the service ...
        with pytest.raises(RegelFout, match="opname"):
            await maak_casus(
                s,
                orgs.regie,
                weging_id=weging_id,
                regie_gemeente="9801",
                intake_datum=klok.vandaag(),
                deelnemers=[Deelnemer(orgs.gemeente, "gemeente")],
            )


async def test_the_database_refuses_a_casus_without_a_weging_opname(
    sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        signaal = await nieuw_signaal(s, orgs, "Geen Opname")
        geen_actie = await weging(s, orgs, signaal, "geen_actie")
        weging_id, persoon_id = geen_actie.id, signaal.persoon_id
    vandaag = klok.vandaag()
    # ... nor past it, straight into the table: the trigger refuses the Wet's legal basis.
    with pytest.raises(IntegrityError, match="vastgestelde weging met uitkomst opname"):
        async with sessie(tenant_a) as s:
            s.add(
                Casus(
                    weging_id=weging_id,
                    persoon_id=persoon_id,
                    regie_gemeente="9801",
                    gemeente_van_verblijf="9801",
                    intake_datum=vandaag,
                    volgende_review=vandaag + timedelta(days=365),
                    plan_uiterlijk=vandaag + timedelta(days=28),
                )
            )
            await s.flush()
    async with sessie(tenant_a) as s:
        assert await s.scalar(select(Casus.id).where(Casus.weging_id == weging_id)) is None
    assert ALLE_CRITERIA  # the weging above was complete: only its outcome is refused
