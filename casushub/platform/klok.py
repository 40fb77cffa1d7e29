"""The one clock: what time and which day it is, in the Netherlands.

Deadlines (a month for a data-subject request), retention (five years after closure) and
review dates are Dutch calendar days. The server's own zone is not: a container runs in UTC
unless told otherwise, so between midnight in Amsterdam and midnight UTC ``date.today()``
would still say yesterday. Every "today" and "now" in the code comes from here instead;
ruff's DTZ rules refuse the naive calls.

``bron`` is the source of the current moment (aware, any zone); tests set it to a fixed
moment with ``monkeypatch.setattr(klok, "bron", ...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["TIJDZONE", "bron", "lokaal", "nu", "vandaag"]

TIJDZONE = ZoneInfo("Europe/Amsterdam")


def _systeemtijd() -> datetime:
    return datetime.now(UTC)


bron: Callable[[], datetime] = _systeemtijd


def nu() -> datetime:
    """Now, as an aware datetime in Dutch time."""
    return bron().astimezone(TIJDZONE)


def vandaag() -> date:
    """Today's date in the Netherlands."""
    return nu().date()


def lokaal(moment: datetime) -> datetime:
    """An aware moment in Dutch time (for showing it, or taking its Dutch date)."""
    return moment.astimezone(TIJDZONE)
