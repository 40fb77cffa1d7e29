"""Roles and organisation types: one enum each, imported by every later part."""

from __future__ import annotations

import enum

__all__ = ["HUB_STAFF_ROLES", "ROLE_LABELS", "TENANT_ROLES", "OrganisationType", "Role"]


class Role(enum.StrEnum):
    PLATFORM_OPERATOR = "platform_operator"
    HUB_ADMIN = "hub_admin"
    PROCESREGISSEUR = "procesregisseur"
    GEMEENTE_REGIE = "gemeente_regie"
    CONTACTPUNT = "contactpunt"
    PARTICIPANT = "participant"
    INVITED_PARTY = "invited_party"
    FG_AUDITOR = "fg_auditor"


ROLE_LABELS: dict[Role, str] = {
    Role.PLATFORM_OPERATOR: "platformbeheerder",
    Role.HUB_ADMIN: "hubbeheerder",
    Role.PROCESREGISSEUR: "procesregisseur",
    Role.GEMEENTE_REGIE: "gemeente (regie)",
    Role.CONTACTPUNT: "contactpunt",
    Role.PARTICIPANT: "deelnemer",
    Role.INVITED_PARTY: "uitgenodigde partij",
    Role.FG_AUDITOR: "FG / auditor",
}

# Roles that work inside one municipality's data (membership has a tenant).
TENANT_ROLES = frozenset(
    {
        Role.PROCESREGISSEUR,
        Role.GEMEENTE_REGIE,
        Role.CONTACTPUNT,
        Role.PARTICIPANT,
        Role.INVITED_PARTY,
        Role.FG_AUDITOR,
    }
)
# Roles a hub's own staff hold; a hub admin may not hand these case access.
HUB_STAFF_ROLES = frozenset({Role.HUB_ADMIN, Role.PROCESREGISSEUR})


class OrganisationType(enum.StrEnum):
    GEMEENTE = "gemeente"
    POLITIE = "politie"
    OM = "om"
    RECLASSERING = "reclassering"
    RVDK = "rvdk"
    JENV = "jenv"
    SATELLIETPARTNER = "satellietpartner"
    HUB = "hub"
