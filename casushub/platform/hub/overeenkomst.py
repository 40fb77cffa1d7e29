"""The processor agreement between a municipality and its hub (verwerkersovereenkomst)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casushub.platform.models import TenantStatus

if TYPE_CHECKING:
    from datetime import date

    from casushub.platform.models import Tenant

__all__ = ["verwerkersovereenkomst_actief"]


def verwerkersovereenkomst_actief(tenant: Tenant, vandaag: date) -> bool:
    """Hub staff may see case data only while the processor agreement runs (rule 9)."""
    if tenant.status != TenantStatus.ACTIVE or tenant.verwerkersovereenkomst_start is None:
        return False
    if tenant.verwerkersovereenkomst_start > vandaag:
        return False
    return (
        tenant.verwerkersovereenkomst_eind is None or vandaag <= tenant.verwerkersovereenkomst_eind
    )
