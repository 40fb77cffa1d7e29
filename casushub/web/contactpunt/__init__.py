"""The contactpunt for data-subject requests: the public page and the staff's screens."""

from __future__ import annotations

from typing import Any

# The werkruimte blocks register themselves on import.
from casushub.web.contactpunt import werkruimte as _werkruimte  # noqa: F401
from casushub.web.contactpunt.besluit import besluit_handlers
from casushub.web.contactpunt.common import datum_nl
from casushub.web.contactpunt.publiek import (
    ONTVANGEN_KEY,
    TE_VEEL,
    TE_VEEL_EMAIL,
    publieke_handlers,
)
from casushub.web.contactpunt.staf import staf_handlers

__all__ = ["ONTVANGEN_KEY", "TE_VEEL", "TE_VEEL_EMAIL", "contactpunt_handlers", "datum_nl"]

# Each handler declares who may use it (public page, or the contactpunt's staff).
contactpunt_handlers: list[Any] = [*publieke_handlers, *staf_handlers, *besluit_handlers]
