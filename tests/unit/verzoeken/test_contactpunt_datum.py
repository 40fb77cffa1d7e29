"""The contactpunt page writes dates as people do."""

from __future__ import annotations

from casushub.web.contactpunt import datum_nl


def test_dates_read_as_people_write_them() -> None:
    assert datum_nl("2027-03-01") == "1 maart 2027"
