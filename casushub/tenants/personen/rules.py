"""No BSN (docs/design.md rule 5): a value with a number that passes the 11-proef is refused.

The check looks at every number of exactly nine digits, also when written with spaces, dots or
dashes ("123.456.782"), so it cannot slip through by formatting. Longer numbers (phone numbers,
IBANs) are not cut into windows: that would refuse roughly one in four phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from casushub.tenants.casus.errors import RegelFout

__all__ = ["BSN_MELDING", "bevat_bsn", "controleer_geen_bsn", "elfproef"]

BSN_MELDING = (
    "Dit veld lijkt een burgerservicenummer (BSN) te bevatten. Deze gemeente verwerkt geen BSN "
    "in de casusoverleg; laat het nummer weg."
)
_NUMBER = re.compile(r"\d(?:[ .\-]?\d)*")


def elfproef(digits: str) -> bool:
    """The BSN variant of the 11-proef: weights 9..2 and -1, sum divisible by 11, not zero."""
    if not digits.isdigit() or len(digits) != 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and int(digits) != 0


def bevat_bsn(value: str) -> bool:
    for match in _NUMBER.finditer(value):
        joined = re.sub(r"\D", "", match.group())
        # The number as written, and each plain digit run inside it ("06-123456782").
        candidates = {joined, *re.findall(r"\d+", match.group())}
        if any(len(c) == 9 and elfproef(c) for c in candidates):
            return True
    return False


def controleer_geen_bsn(values: Mapping[str, object], *, bsn_toegestaan: bool) -> None:
    """Raise ``RegelFout`` on the first field whose text holds a BSN, unless BSN is enabled."""
    if bsn_toegestaan:
        return
    for field, value in values.items():
        texts = value if isinstance(value, list | tuple) else [value]
        for text in texts:
            if isinstance(text, str) and bevat_bsn(text):
                raise RegelFout(BSN_MELDING, field)
