"""Tenant sessions: exactly one municipality's schema, under that municipality's own role.

Two independent locks keep one tenant's data away from another (docs/design.md §3):

1. ``schema_translate_map={None: "t_<slug>"}`` points every tenant table at one schema;
2. an ``after_begin`` hook switches to the tenant's role for the transaction (``SET LOCAL
   ROLE``, sent as ``set_config('role', …, true)``), which has rights on its own schema only.
   The login role is ``NOINHERIT``, so without the switch it can read no tenant table at all,
   and its ``search_path`` holds no tenant tables, so a query that escaped the translate map
   fails instead of reading the wrong tenant.

``SET LOCAL`` ends with the transaction, so nothing leaks to the next user of a pooled
connection (unlike a connection-wide ``SET search_path``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlalchemy.orm import SessionTransaction

    from casushub.platform.settings import Settings

__all__ = ["SLUG_PATTERN", "TenantRef", "tenant_session"]

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_ROLE_KEY = "casushub.tenant_role"


@dataclass(frozen=True, slots=True)
class TenantRef:
    """What a session or a job needs to know about a tenant: never taken from user input."""

    id: uuid.UUID
    slug: str

    def __post_init__(self) -> None:
        # Slugs end up in identifiers (schema and role names): refuse anything unexpected
        # even though the registry already validated it.
        if not SLUG_PATTERN.match(self.slug):
            msg = f"ongeldige tenant-slug: {self.slug!r}"
            raise ValueError(msg)

    @property
    def schema(self) -> str:
        return f"t_{self.slug}"


def tenant_session(engine: AsyncEngine, tenant: TenantRef, settings: Settings) -> AsyncSession:
    """A session bound to one tenant's schema and role; use as ``async with``."""
    bound = engine.execution_options(schema_translate_map={None: tenant.schema})
    return AsyncSession(
        bind=bound,
        expire_on_commit=False,
        info={_ROLE_KEY: settings.tenant_role(tenant.slug), "tenant": tenant},
    )


def session_tenant(session: AsyncSession | Session) -> TenantRef | None:
    """The tenant a session is bound to, for services that must know (e.g. audit entries)."""
    tenant: Any = session.info.get("tenant")
    return tenant if isinstance(tenant, TenantRef) else None


@event.listens_for(Session, "after_begin")
def _set_tenant_role(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    role = session.info.get(_ROLE_KEY)
    if role is not None:
        # SET LOCAL ROLE as a function: the same membership check and the same end with the
        # transaction, but one statement text for every tenant, which stays prepared on
        # every pooled connection (casushub.platform.prepared_statements).
        connection.exec_driver_sql("SELECT set_config('role', $1, true)", (role,))
