"""The admin audit log: who did what, when, from where (append-only, see migration p0002)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from casushub.platform.identity.models import AdminAuditEntry
from casushub.platform.logs import request_id_var

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["AuditAction", "record"]


class AuditAction:
    LOGIN = "inloggen"
    LOGIN_FAILED = "inloggen_mislukt"
    LOGOUT = "uitloggen"
    SESSION_ENDED = "sessie_beeindigd"
    SESSION_REVOKED = "sessie_ingetrokken"
    ROLE_GRANTED = "rol_toegekend"
    ROLE_REVOKED = "rol_ingetrokken"
    ROLE_REFUSED = "rol_geweigerd"
    USER_CREATED = "gebruiker_aangemaakt"
    USER_DEACTIVATED = "gebruiker_gedeactiveerd"
    ORGANISATION_DEACTIVATED = "organisatie_gedeactiveerd"
    INVITED = "uitgenodigd"
    PROVIDER_SAVED = "inlogdienst_opgeslagen"


async def record(
    conn: AsyncConnection,
    action: str,
    *,
    actor_user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str = "",
) -> None:
    await conn.execute(
        insert(AdminAuditEntry).values(
            action=action,
            actor_user_id=actor_user_id,
            organisation_id=organisation_id,
            target=target[:300],
            details=details or {},
            ip=ip[:64],
            request_id=request_id_var.get() or "",
        )
    )
