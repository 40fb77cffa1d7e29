"""Dependencies and input parsing shared by the casusoverleg controllers."""

from __future__ import annotations

from datetime import date, datetime

from litestar.di import Provide

from casushub.web.casusoverleg.context import provide_actor
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["DEPS", "datum"]

DEPS = {
    "tenant": Provide(provide_tenant),
    "db": Provide(provide_tenant_db),
    "actor": Provide(provide_actor),
}


def datum(value: str) -> date | None:
    """Dutch (dd-mm-jjjj) or ISO dates; empty is None; anything else raises ValueError."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date, no moment
        except ValueError:
            continue
    raise ValueError(value)
