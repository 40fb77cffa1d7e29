"""Dependencies and input parsing shared by the casusoverleg controllers."""

from __future__ import annotations

from litestar.di import Provide

from casushub.web.casusoverleg.context import provide_actor
from casushub.web.invoer import datum
from casushub.web.tenancy import provide_tenant, provide_tenant_db

__all__ = ["DEPS", "datum"]

DEPS = {
    "tenant": Provide(provide_tenant),
    "db": Provide(provide_tenant_db),
    "actor": Provide(provide_actor),
}
