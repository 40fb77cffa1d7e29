"""When personal data must be destroyed: pure date arithmetic, no I/O.

Placeholder created by the workflow (casusoverleg) part so closure and ``geen actie`` wegingen
can compute ``destroy_on``; the retention part owns and extends this module. The default
periods are PLACEHOLDERS to be confirmed by the municipality's legal adviser (DESIGN.md §2,
bewaartermijn).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

__all__ = ["DEFAULT_PARAMS", "destroy_on", "param_key"]

# Years after the event. Placeholders (see module docstring).
DEFAULT_PARAMS: Mapping[str, int] = {
    "casus": 5,
    "signaal:geen_actie": 1,
}


def param_key(kind: str, outcome: str | None) -> str:
    return kind if outcome is None else f"{kind}:{outcome}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def destroy_on(
    kind: str,
    outcome: str | None,
    event_date: date,
    params: Mapping[str, int] | None = None,
) -> date:
    """The destruction date for a ``kind`` ('casus', 'signaal') closed with ``outcome``.

    ``params`` (years per ``param_key``) override the defaults, e.g. a tenant's own values.
    A casus is keyed by kind alone, whatever its closure reason.
    """
    table = {**DEFAULT_PARAMS, **(params or {})}
    key = param_key(kind, outcome)
    if key not in table and kind in table:
        key = kind
    if key not in table:
        msg = f"geen bewaartermijn vastgelegd voor {key!r}"
        raise KeyError(msg)
    return _add_years(event_date, table[key])
