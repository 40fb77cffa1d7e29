"""A weging that concluded "opname" stays findable until its casus is made: listed for the
regie and the procesregisseur (each read logged), refused to participants, gone once taken in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest
from casusfabriek import Organisaties, Sessie, nieuw_signaal, weging
from sqlalchemy import func, select

from casushub.platform.tenancy import TenantRef
from casushub.tenants.casus.errors import GeenToegang
from casushub.tenants.casus.services import Deelnemer, maak_casus
from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.weging.opname import aantal_wachtend_op_opname, wachtend_op_opname


async def test_weighed_in_and_not_taken_in_is_listed_until_the_casus_is_made(
    sessie: Sessie,
    fresh_tenant: Callable[[], Awaitable[TenantRef]],
    orgs: Organisaties,
) -> None:
    tenant = await fresh_tenant()
    async with sessie(tenant) as s:
        wacht = await weging(s, orgs, await nieuw_signaal(s, orgs, "Wim Wachter"))
        # Other outcomes, and a draft, are not awaiting an intake.
        await weging(s, orgs, await nieuw_signaal(s, orgs, "Gert Geenactie"), "geen_actie")
        await weging(
            s,
            orgs,
            await nieuw_signaal(s, orgs, "Mira Meer"),
            "meer_informatie",
            vervolgdatum=date.today() + timedelta(days=7),
        )
    async with sessie(tenant) as s:
        assert await aantal_wachtend_op_opname(s, orgs.regie) == 1
        lijst = await wachtend_op_opname(s, orgs.actor("gemeente", "procesregisseur"))
        assert [(w.weging_id, w.naam) for w in lijst] == [(wacht.id, "Wim Wachter")]
        gelogd = await s.scalar(
            select(func.count())
            .select_from(Verwerking)
            .where(Verwerking.doel == "opname voorbereiden")
        )
        assert gelogd == 1
    async with sessie(tenant) as s:
        with pytest.raises(GeenToegang):
            await wachtend_op_opname(s, orgs.actor("politie", "participant"))
    async with sessie(tenant) as s:
        await maak_casus(
            s,
            orgs.regie,
            weging_id=wacht.id,
            regie_gemeente="9801",
            intake_datum=date.today(),
            deelnemers=[Deelnemer(orgs.gemeente, "gemeente"), Deelnemer(orgs.politie, "politie")],
        )
    async with sessie(tenant) as s:
        assert await wachtend_op_opname(s, orgs.regie) == []
        assert await aantal_wachtend_op_opname(s, orgs.regie) == 0
