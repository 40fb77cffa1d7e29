"""The .ics invitation is built from the meeting alone: RFC 5545 escaping and folding."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from casushub.web.casusoverleg.bijeenkomsten import BijeenkomstInfo, ics


def test_ics_escapes_folds_and_carries_utc_times() -> None:
    info = BijeenkomstInfo(
        id=uuid.UUID(int=7),
        casusoverleg="Regio Noord; Oost, en West " + "é" * 80,
        begint_op=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
        eindigt_op=datetime(2026, 3, 5, 11, 0, tzinfo=UTC),
        locatie="Stadhuis, zaal 3",
        videolink="",
    )
    tekst = ics(info, nu=datetime(2026, 3, 1, tzinfo=UTC))
    assert tekst.endswith("\r\n")
    assert all(len(r.encode()) <= 75 for r in tekst.split("\r\n"))
    ontvouwen = tekst.replace("\r\n ", "")
    assert "SUMMARY:Casusoverleg Regio Noord\\; Oost\\, en West " + "é" * 80 in ontvouwen
    assert "DTSTART:20260305T093000Z" in ontvouwen
    assert "DTEND:20260305T110000Z" in ontvouwen
    assert "LOCATION:Stadhuis\\, zaal 3" in ontvouwen
    assert "DESCRIPTION" not in ontvouwen  # nothing beyond time, place and the name
