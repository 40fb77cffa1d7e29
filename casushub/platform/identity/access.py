"""Who is signed in, in which context, and may they use this tenant? (the guards' domain side)

``Identity`` is built per request by the web layer from the server-side session. Guards ask it
for roles; ``check_tenant_access`` is the one place that decides whether a signed-in person may
open a tenant's data at all. Per-casus need-to-know (later issues) plugs in behind it through
:class:`NeedToKnowPolicy`, so every tenant query path already passes through the hook.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from casushub.platform import klok
from casushub.platform.fouten import GeenToegang
from casushub.platform.hub.overeenkomst import verwerkersovereenkomst_actief
from casushub.platform.identity.memberships import MembershipView
from casushub.platform.identity.roles import HUB_STAFF_ROLES, OrganisationType, Role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "AccessDenied",
    "Identity",
    "InstructionsNotAccepted",
    "NeedToKnowPolicy",
    "TenantMembershipPolicy",
    "check_case_data_access",
    "check_tenant_access",
    "tenant_gate",
]


class AccessDenied(GeenToegang):
    """The signed-in person may not use this scope; ``message`` is Dutch."""


class InstructionsNotAccepted(AccessDenied):
    """The hub's current instructions must be read and accepted before any case data."""

    def __init__(self) -> None:
        super().__init__(
            "Lees en accepteer eerst de instructies over de omgang met deze persoonsgegevens."
        )


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


NO_PROCESSOR_AGREEMENT = (
    "De verwerkersovereenkomst met deze gemeente loopt niet: medewerkers van de hub hebben "
    "geen toegang tot haar casusgegevens."
)


@functools.cache
def _tenant_gate_query() -> Any:
    """Built once, on first use (the models import this package): every tenant request.

    The tenant's registry row (all columns) with, in the same statement, the type and hub of
    the signed-in organisation and whether the user accepted the hub's current instructions:
    one round trip for the whole gate.
    """
    from sqlalchemy import bindparam, select

    from casushub.platform.hub.instructies import geaccepteerd
    from casushub.platform.identity.models import Organisation
    from casushub.platform.models import Tenant

    return (
        select(
            Tenant,
            Organisation.type.label("organisatie_type"),
            Organisation.hub_id.label("organisatie_hub_id"),
            geaccepteerd(Tenant.hub_id, bindparam("user_id")).label("instructies_geaccepteerd"),
        )
        .outerjoin(Organisation, Organisation.id == bindparam("organisation_id"))
        .where(Tenant.id == bindparam("tenant_id"))
    )


async def tenant_gate(conn: AsyncConnection, identity: Identity, tenant_id: uuid.UUID) -> Any:
    """What :func:`check_case_data_access` decides on, with the tenant's registry row (for
    ``registry.servable``); ``None`` when there is no such tenant."""
    active = identity.active
    params = {
        "tenant_id": tenant_id,
        "organisation_id": active.organisation_id if active else None,
        "user_id": identity.user_id,
    }
    return (await conn.execute(_tenant_gate_query(), params)).first()


def check_case_data_access(identity: Identity, gate: Any, today: date | None = None) -> None:
    """The data-dependent half of tenant access, after :func:`check_tenant_access`.

    ``gate`` is the row :func:`tenant_gate` read: the tenant's registry row, read once by the
    caller, which also decides with it whether the tenant may be served
    (``registry.servable``), and the facts below.

    Hub staff (the hub's own organisation, or a hub staff role) may see a municipality's case
    data only while its processor agreement runs (docs/design.md rule 9); everyone accepts the
    hub's current instructions before their first access to case data.
    """
    active = identity.active
    if active is None:
        raise AccessDenied
    hub_staff = active.role in HUB_STAFF_ROLES or (
        gate.organisatie_type == OrganisationType.HUB.value
        and gate.organisatie_hub_id == gate.hub_id
    )
    if hub_staff and not verwerkersovereenkomst_actief(gate, today or klok.vandaag()):
        raise AccessDenied(NO_PROCESSOR_AGREEMENT)
    if not gate.instructies_geaccepteerd:
        raise InstructionsNotAccepted
