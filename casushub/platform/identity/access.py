"""Who is signed in, in which context, and may they use this tenant? (the guards' domain side)

``Identity`` is built per request by the web layer from the server-side session. Guards ask it
for roles; ``check_tenant_access`` is the one place that decides whether a signed-in person may
open a tenant's data at all. Per-casus need-to-know (later issues) plugs in behind it through
:class:`NeedToKnowPolicy`, so every tenant query path already passes through the hook.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from casushub.platform.identity.memberships import MembershipView
from casushub.platform.identity.roles import Role

__all__ = [
    "AccessDenied",
    "Identity",
    "NeedToKnowPolicy",
    "TenantMembershipPolicy",
    "check_tenant_access",
]


class AccessDenied(PermissionError):
    """The signed-in person may not use this scope; ``message`` is Dutch."""

    def __init__(self, message: str = "U heeft geen toegang tot deze gegevens.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    user_id: uuid.UUID
    name: str
    email: str
    organisation_id: uuid.UUID
    organisation_name: str
    session_id: uuid.UUID
    memberships: tuple[MembershipView, ...]
    active: MembershipView | None
    idle_deadline: datetime
    absolute_deadline: datetime

    @property
    def has_access(self) -> bool:
        return bool(self.memberships)

    @property
    def expires_at(self) -> datetime:
        return min(self.idle_deadline, self.absolute_deadline)

    def has_role(self, *roles: Role) -> bool:
        return self.active is not None and self.active.role in roles

    def membership(self, membership_id: uuid.UUID) -> MembershipView | None:
        return next((m for m in self.memberships if m.id == membership_id), None)


class NeedToKnowPolicy(Protocol):
    """Extension point: decides whether ``identity`` may see data in ``tenant_id``.

    Later issues add per-casus checks (participants see their cases, invited parties their
    items within a time window) by implementing ``may_see_casus`` as well.
    """

    def may_enter_tenant(self, identity: Identity, tenant_id: uuid.UUID) -> bool: ...


class TenantMembershipPolicy:
    """The base rule: the active context must be a membership for exactly this tenant."""

    def may_enter_tenant(self, identity: Identity, tenant_id: uuid.UUID) -> bool:
        active = identity.active
        if active is None or active.tenant_id != tenant_id:
            return False
        # The active context is re-read from the database each request, so a revoked
        # membership cannot linger in a session.
        return identity.membership(active.id) is not None


_policy: NeedToKnowPolicy = TenantMembershipPolicy()


def check_tenant_access(identity: Identity | None, tenant_id: uuid.UUID) -> None:
    if identity is None:
        raise AccessDenied("U bent niet ingelogd.")
    if not _policy.may_enter_tenant(identity, tenant_id):
        raise AccessDenied()
