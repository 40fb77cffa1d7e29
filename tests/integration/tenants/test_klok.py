"""One clock: just after midnight in Amsterdam (still the day before in UTC, the zone a container
runs in) a deadline and a destruction date are computed from the Dutch day."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from casusfabriek import Organisaties, Sessie, nieuwe_casus

from casushub.platform import klok
from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.services import sluit_af
from casushub.tenants.verzoeken.rules import Kanaal, VerzoekType, termijn
from casushub.tenants.verzoeken.schemas import NieuwVerzoek
from casushub.tenants.verzoeken.services import registreer


def _net_na_middernacht(dag: date) -> datetime:
    """Five past midnight in Amsterdam on ``dag``, as the UTC moment it is."""
    return datetime(dag.year, dag.month, dag.day, 0, 5, tzinfo=klok.TIJDZONE).astimezone(UTC)


@pytest.mark.parametrize("dag", [date(2026, 1, 31), date(2026, 3, 31), date(2026, 10, 25)])
def test_today_is_the_dutch_day(monkeypatch: pytest.MonkeyPatch, dag: date) -> None:
    moment = _net_na_middernacht(dag)
    assert moment.date() == dag - timedelta(days=1)  # in UTC it is still yesterday
    monkeypatch.setattr(klok, "bron", lambda: moment)
    assert klok.vandaag() == dag
    assert klok.nu().utcoffset() in {timedelta(hours=1), timedelta(hours=2)}
    # An hour and more after midnight UTC both zones agree.
    monkeypatch.setattr(
        klok,
        "bron",
        lambda: datetime.combine(dag, datetime.min.time(), UTC) + timedelta(minutes=65),
    )
    assert klok.vandaag() == dag


async def test_destruction_date_and_deadline_just_after_midnight(
    monkeypatch: pytest.MonkeyPatch, sessie: Sessie, tenant_a: TenantRef, orgs: Organisaties
) -> None:
    async with sessie(tenant_a) as s:
        casus = await nieuwe_casus(s, orgs)
    dag = klok.vandaag() + timedelta(days=40)
    monkeypatch.setattr(klok, "bron", lambda: _net_na_middernacht(dag))
    async with sessie(tenant_a) as s:
        # Closed "today" at five past midnight: today is the Dutch day, not yet the future.
        gesloten = await sluit_af(s, orgs.regie, casus.id, reden="doel bereikt", datum=dag)
        assert gesloten.afsluiting_geregistreerd == dag
        assert gesloten.destroy_on == dag.replace(year=dag.year + 5)
        verzoek = await registreer(
            s,
            Actor.system("kloktest"),
            NieuwVerzoek(
                type=VerzoekType.INZAGE,
                betrokkene_naam="Klok Test",
                indiener_naam="Klok Test",
                kanaal=Kanaal.BRIEF,
            ),
            gemeentecode="9801",
        )
        assert verzoek.ontvangen_op == dag
        assert verzoek.termijn == termijn(dag)


def test_the_test_process_runs_on_the_apps_day() -> None:
    # tests/conftest.py: fixtures built from date.today() agree with the app at every hour.
    assert time.tzname[0] in {"CET", "CEST"}
    moment = datetime(2026, 3, 31, 22, 5, tzinfo=UTC)
    assert datetime.fromtimestamp(moment.timestamp()).date() == klok.lokaal(moment).date()  # noqa: DTZ006 - the process's own zone is under test
    assert date.today() == klok.vandaag() or klok.nu().hour == 0
