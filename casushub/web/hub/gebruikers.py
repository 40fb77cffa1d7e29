"""Inviting users into one of the hub's organisations with roles per municipality."""

from __future__ import annotations

import uuid

from litestar.datastructures import State
from sqlalchemy import select

from casushub.platform.identity.memberships import invite
from casushub.platform.identity.models import Organisation
from casushub.platform.identity.organisations import domain_of
from casushub.platform.identity.roles import HUB_STAFF_ROLES, TENANT_ROLES, OrganisationType, Role
from casushub.platform.models import Tenant

__all__ = ["nodig_uit"]


async def nodig_uit(
    state: State,
    hub_id: uuid.UUID,
    door: uuid.UUID | None,
    organisation_id: uuid.UUID,
    email: str,
    rol: str,
    gemeente_ids: list[uuid.UUID],
) -> dict[str, str]:
    """Invite; returns Dutch errors per field (nothing is saved when there is any)."""
    fouten: dict[str, str] = {}
    try:
        role = Role(rol)
    except ValueError:
        return {"rol": "Kies een rol."}
    if role == Role.PLATFORM_OPERATOR:
        return {"rol": "Een hubbeheerder kan geen platformbeheerder aanwijzen."}
    async with state.engine.begin() as conn:
        org = (
            await conn.execute(
                select(Organisation.type, Organisation.email_domains).where(
                    Organisation.id == organisation_id, Organisation.hub_id == hub_id
                )
            )
        ).first()
        if org is None:
            return {"organisatie": "Kies een organisatie van deze hub."}
        domein = domain_of(email)
        if domein is None:
            fouten["email"] = "Vul een geldig e-mailadres in."
        elif domein not in org.email_domains:
            fouten["email"] = "Het e-mailadres hoort niet bij een domein van deze organisatie."
        if role in TENANT_ROLES:
            if org.type == OrganisationType.HUB.value:
                # The hub is the processor: its staff reach case data only via the municipality.
                fouten["rol"] = (
                    "Medewerkers van de hub krijgen toegang tot casusgegevens alleen via "
                    "de gemeente."
                )
            eigen = set(
                (
                    await conn.execute(
                        select(Tenant.id).where(
                            Tenant.hub_id == hub_id, Tenant.id.in_(gemeente_ids)
                        )
                    )
                ).scalars()
            )
            if not gemeente_ids or eigen != set(gemeente_ids):
                fouten["gemeenten"] = "Kies een of meer gemeenten van deze hub voor deze rol."
        elif role not in HUB_STAFF_ROLES:
            fouten["rol"] = "Kies een rol."
        if fouten:
            return fouten
        for tenant_id in gemeente_ids if role in TENANT_ROLES else [None]:
            await invite(
                conn,
                organisation_id=organisation_id,
                email=email,
                role=role,
                tenant_id=tenant_id,
                hub_id=None if tenant_id else hub_id,
                invited_by=door,
            )
    return {}
