"""When personal data must be destroyed: pure date arithmetic, no I/O (docs/design.md rule 7).

The idea is Open Zaak's *brondatum* (``components/zaken/brondatum.py``): a retention period
counts from a source date that depends on what is being kept. Instead of its if/elif chain,
``RULES`` is a table: one small pure function per kind of record, looked up by parameter key.

Parameter keys are ``<kind>`` or ``<kind>:<outcome>`` (``param_key``); a tenant's own values
(``params``, years per key) override ``DEFAULT_PARAMS``. A casus is keyed by kind alone,
whatever its closure reason, unless the tenant sets a value for that reason.

**The default periods are PLACEHOLDERS** taken from the old modelconvenant and practice, to be
confirmed by the municipality's legal adviser (docs/design.md §2, *bewaartermijn*):

- casus: 5 years after closure;
- signaal weighed ``geen_actie``: 1 year after the weging;
- the access log: 6 years after the processing, i.e. one year beyond the longest data period,
  so "who saw it" can still be answered for every record that still exists. Never less than
  one year (the database refuses a shorter purge).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DEFAULT_PARAMS",
    "KINDS",
    "MAX_YEARS",
    "MIN_YEARS",
    "PLACEHOLDER_NOTE",
    "RULES",
    "GeenBewaartermijn",
    "Rule",
    "add_years",
    "destroy_on",
    "param_key",
    "resolve",
    "rule_text",
]

PLACEHOLDER_NOTE = (
    "Voorlopige termijn uit het oude convenant en de praktijk; "
    "te bevestigen door de juridisch adviseur van de gemeente."
)

# Years after the source date. PLACEHOLDERS (see the module docstring).
DEFAULT_PARAMS: Mapping[str, int] = {
    "casus": 5,
    "signaal:geen_actie": 1,
    "verwerkingenlog": 6,
}

KINDS = ("casus", "signaal", "verwerkingenlog")
# The database's own floor for the access log (verwerkingenlog_opschonen).
MIN_YEARS: Mapping[str, int] = {"verwerkingenlog": 1}
MAX_YEARS = 30


class GeenBewaartermijn(KeyError):
    """No retention rule for this kind and outcome (e.g. a signal still being weighed)."""


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Rule:
    """How one kind of record's destruction date is found."""

    source: str
    """What the period counts from, in Dutch (shown on receipts and screens)."""
    compute: Callable[[date, int], date]
    """(source date, years) -> destruction date."""


def _years_after(source: date, years: int) -> date:
    return add_years(source, years)


RULES: Mapping[str, Rule] = {
    "casus": Rule("na afsluiting van de casus", _years_after),
    "signaal:geen_actie": Rule("na de weging 'geen actie'", _years_after),
    "verwerkingenlog": Rule("na de verwerking", _years_after),
}


def param_key(kind: str, outcome: str | None) -> str:
    return kind if outcome is None else f"{kind}:{outcome}"


def resolve(
    kind: str, outcome: str | None, params: Mapping[str, int] | None = None
) -> tuple[str, int]:
    """The parameter key that applies and its number of years.

    The most specific key wins: a tenant's ``kind:outcome``, then the default ``kind:outcome``,
    then the tenant's ``kind``, then the default ``kind``.
    """
    table = {**DEFAULT_PARAMS, **(params or {})}
    for key in (param_key(kind, outcome), kind):
        if key in table and (key in RULES or kind in RULES):
            return key, table[key]
    msg = f"geen bewaartermijn vastgelegd voor {param_key(kind, outcome)!r}"
    raise GeenBewaartermijn(msg)


def destroy_on(
    kind: str,
    outcome: str | None,
    event_date: date,
    params: Mapping[str, int] | None = None,
) -> date:
    """The destruction date for a ``kind`` ('casus', 'signaal') closed with ``outcome``.

    ``params`` (years per ``param_key``) override the defaults, e.g. a tenant's own values.
    """
    key, years = resolve(kind, outcome, params)
    rule = RULES.get(key) or RULES[kind]
    return rule.compute(event_date, years)


def rule_text(kind: str, outcome: str | None, params: Mapping[str, int] | None = None) -> str:
    """The rule in words, for receipts: no personal data, only the key and the period."""
    key, years = resolve(kind, outcome, params)
    rule = RULES.get(key) or RULES[kind]
    return f"{key}: {years} jaar {rule.source}"
