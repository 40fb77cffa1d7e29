"""Tenant sessions: exactly one municipality's schema, under that municipality's own role.

Tenant SQL names no schema: every municipality sends the same statement texts, so one prepared
statement per text serves all of them on a pooled connection (docs/design.md §3). An ``after_begin``
hook sets, for that transaction only (``set_config(…, true)``, i.e. ``SET LOCAL``):

1. the tenant's role, which has rights on its own schema only. This is the lock: the login
   role is ``NOINHERIT``, so without the switch it can read no tenant table at all, and a
   query naming another tenant's schema fails with "permission denied";
2. the tenant's ``search_path``, which resolves the unqualified table names. The login role's
   own path is ``pg_catalog`` (casushub.platform.migrate), so a query outside a tenant
   transaction finds no tenant table and fails instead of reading the wrong tenant.

PostgreSQL re-plans a prepared statement when ``search_path`` differs from its last use, so a
statement prepared under one tenant's path never reads another tenant's tables
(tests/integration/test_prepared_statements.py). Both settings end with the transaction:
nothing leaks to the next user of the connection.
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
_PATH_KEY = "casushub.tenant_path"


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
    return AsyncSession(
        bind=engine,
        expire_on_commit=False,
        info={
            _ROLE_KEY: settings.tenant_role(tenant.slug),
            _PATH_KEY: f'"{tenant.schema}"',
            "tenant": tenant,
        },
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
        # SET LOCAL as functions: the same membership check and the same end with the
        # transaction, in one round trip, with one statement text for every tenant.
        connection.exec_driver_sql(
            "SELECT set_config('role', $1, true), set_config('search_path', $2, true)",
            (role, session.info[_PATH_KEY]),
        )
