"""Plan van aanpak: an open intervention past its due date is flagged (no database)."""

from __future__ import annotations

from datetime import date

from casushub.tenants.plan.rules import InterventieStatus, interventie_te_laat

VANDAAG = date(2026, 3, 10)


def test_open_intervention_past_its_due_date_is_late() -> None:
    for status in (InterventieStatus.GEPLAND, InterventieStatus.LOPEND):
        assert interventie_te_laat(status=status, deadline=date(2026, 3, 9), vandaag=VANDAAG)


def test_due_today_or_later_or_without_date_is_not_late() -> None:
    for deadline in (VANDAAG, date(2026, 4, 1), None):
        assert not interventie_te_laat(
            status=InterventieStatus.GEPLAND, deadline=deadline, vandaag=VANDAAG
        )


def test_finished_or_stopped_is_never_late() -> None:
    for status in (InterventieStatus.AFGEROND, InterventieStatus.GESTOPT):
        assert not interventie_te_laat(status=status, deadline=date(2026, 1, 1), vandaag=VANDAAG)
