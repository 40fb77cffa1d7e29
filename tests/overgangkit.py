"""An imported convenant-era case waiting for its weging, made through the real services
(shared by the security matrix and the browser checks)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.overgang.formaat import voorbeeldrijen
from casushub.tenants.overgang.inlezen import bevestig, lees_batch, proefimport, rond_import_af
from casushub.tenants.overgang.models import Overgangszaak

__all__ = ["overgangszaak"]

_SYSTEEM = Actor.system("overgangkit")


async def overgangszaak(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, code: str, naam: str
) -> tuple[uuid.UUID, uuid.UUID]:
    """(upload id, case id): an upload with one valid and one faulty row, read in."""
    goed = {**voorbeeldrijen(code)[0], "bron_id": f"KIT-{uuid.uuid4().hex[:8]}", "naam": naam}
    fout = {**goed, "bron_id": f"KIT-{uuid.uuid4().hex[:8]}", "naam": f"{naam} Twee"}
    fout["geboortedatum"] = "31-31-2001"
    inhoud = json.dumps([goed, fout]).encode()
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        upload = await proefimport(
            s,
            _SYSTEEM,
            bestandsnaam="overgang.json",
            inhoud=inhoud,
            bekende_gemeenten={code},
            geheim=settings.secret_key.encode(),
        )
        await bevestig(s, _SYSTEEM, upload.id, uuid.uuid4())
        await lees_batch(s, upload.id, 0, 10)
        await rond_import_af(s, upload.id)
        zaak = await s.scalar(select(Overgangszaak.id).where(Overgangszaak.import_id == upload.id))
    assert zaak is not None
    return upload.id, zaak
