"""The public form's limiter: a sliding window per key, holding keyed hashes only."""

from __future__ import annotations

from casushub.web.contactpunt import Limiet, datum_nl


def test_limit_per_key_in_a_sliding_window() -> None:
    limiet = Limiet("geheim-voor-de-test-0123456789abcdef", aantal=2, venster=3600)
    for moment in (0.0, 10.0):
        assert not limiet.vol("10.0.0.1", nu=moment)
        limiet.tel("10.0.0.1", nu=moment)
    assert limiet.vol("10.0.0.1", nu=20.0)
    assert not limiet.vol("10.0.0.2", nu=20.0)  # another client
    assert not limiet.vol("10.0.0.1", nu=3600.5)  # the first attempt left the window


def test_keys_are_case_insensitive_and_not_stored_in_clear() -> None:
    limiet = Limiet("geheim-voor-de-test-0123456789abcdef", aantal=1, venster=86400)
    limiet.tel("Fatima@Voorbeeld.nl", nu=0.0)
    assert limiet.vol("fatima@voorbeeld.nl", nu=1.0)
    assert all("fatima" not in key.lower() for key in limiet._pogingen)


def test_dates_read_as_people_write_them() -> None:
    assert datum_nl("2027-03-01") == "1 maart 2027"
