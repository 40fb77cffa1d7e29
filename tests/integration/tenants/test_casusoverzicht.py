"""The dashboard's lists a page at a time (issue 11): counts, order, bounds, and the log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from casusfabriek import Organisaties, Sessie, nieuw_signaal, nieuwe_casus
from sqlalchemy import func, select

from casushub.platform.tenancy import TenantRef
from casushub.tenants.casus.overzicht import overzicht
from casushub.tenants.verwerkingenlog.models import Verwerking

VANDAAG = date.today()


async def _gelogd(sessie: Sessie, tenant: TenantRef) -> dict[str, int]:
    async with sessie(tenant) as s:
        rows = await s.execute(select(Verwerking.doel, func.count()).group_by(Verwerking.doel))
        return {doel: int(n) for doel, n in rows}


async def test_lists_come_a_page_at_a_time_and_only_shown_rows_are_logged(
    sessie: Sessie, orgs: Organisaties, fresh_tenant: Callable[[], Awaitable[TenantRef]]
) -> None:
    tenant = await fresh_tenant()
    async with sessie(tenant) as s:
        # Seven casussen, newest intake first in the list; the two oldest have an overdue
        # review and a late plan. Four signals still to weigh.
        for i, dagen in enumerate((1, 2, 3, 4, 5, 800, 900)):
            await nieuwe_casus(s, orgs, f"Persoon {i}", intake_datum=VANDAAG - timedelta(dagen))
        for i in range(4):
            await nieuw_signaal(s, orgs, f"Melder {i}")
    voor = await _gelogd(sessie, tenant)

    async with sessie(tenant) as s:
        eerste = await overzicht(s, orgs.regie, grootte=3)
    assert (eerste.casussen.totaal, eerste.casussen.aantal_paginas) == (7, 3)
    assert [r.naam for r in eerste.casussen.regels] == ["Persoon 0", "Persoon 1", "Persoon 2"]
    assert (eerste.casussen.eerste, eerste.casussen.laatste) == (1, 3)
    assert {r.naam for r in eerste.reviews.regels} == {"Persoon 5", "Persoon 6"}
    assert eerste.reviews.regels[0].naam == "Persoon 6", "oldest review first"
    assert eerste.plannen.totaal == 2
    assert all(r.plan_te_laat for r in eerste.plannen.regels)
    assert (eerste.signalen.totaal, len(eerste.signalen.regels)) == (4, 3)
    # Shown: three casussen + the two overdue ones (in two lists, logged once each), three
    # signals. Nothing of what is on the other pages.
    na = await _gelogd(sessie, tenant)
    assert na.get("overzicht", 0) - voor.get("overzicht", 0) == 5
    assert na.get("weging voorbereiden", 0) - voor.get("weging voorbereiden", 0) == 3

    async with sessie(tenant) as s:
        gezien = []
        for nummer in (1, 2, 3):
            pagina = (await overzicht(s, orgs.regie, {"casussen": nummer}, grootte=3)).casussen
            assert pagina.nummer == nummer
            gezien += [r.casus_id for r in pagina.regels]
        assert len(gezien) == len(set(gezien)) == 7, "every casus on exactly one page"
        laatste = await overzicht(s, orgs.regie, {"casussen": 99, "signalen": 0}, grootte=3)
    assert (laatste.casussen.nummer, [r.naam for r in laatste.casussen.regels]) == (
        3,
        ["Persoon 6"],
    ), "a page past the end shows the last page"
    assert laatste.signalen.nummer == 1


async def test_a_participant_sees_only_the_casussen_it_takes_part_in(
    sessie: Sessie, orgs: Organisaties, fresh_tenant: Callable[[], Awaitable[TenantRef]]
) -> None:
    tenant = await fresh_tenant()
    async with sessie(tenant) as s:
        await nieuwe_casus(s, orgs, "Deelname Persoon")
    voor = await _gelogd(sessie, tenant)
    async with sessie(tenant) as s:
        politie = await overzicht(s, orgs.actor("politie", "participant"))
        buitenstaander = await overzicht(s, orgs.actor("reclassering", "participant"))
    assert [r.naam for r in politie.casussen.regels] == ["Deelname Persoon"]
    assert buitenstaander.casussen.totaal == 0
    assert buitenstaander.casussen.regels == []
    assert (await _gelogd(sessie, tenant)).get("overzicht", 0) - voor.get("overzicht", 0) == 1
