"""Uploading a bijlage to an information item, and downloading it as an attachment.

The checks (size, type from the content, display name) live in
``casushub.tenants.casus.bijlagen``; this module only moves bytes between HTTP and that service.
A download is always ``Content-Disposition: attachment`` with ``nosniff``: a stored file is
never rendered by the browser in the platform's origin.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.casus.bijlagen import (
    VELD,
    casus_van_item,
    lees_bijlage,
    te_groot,
    voeg_bijlage_toe,
)
from casushub.tenants.casus.errors import RegelFout
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.controllers import informatie_fragment
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.rollen import WERKERS
from casushub.web.casusoverleg.scherm import Scherm

__all__ = ["BijlageController", "content_disposition"]

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
# Litestar's own cap while it reads the body (413 beyond it); the configurable limit
# (BIJLAGE_MAX_BYTES) is enforced below it, with a Dutch message. Multipart framing and the
# CSRF field need a little room above the file itself.
HARDE_GRENS = 64 * 1024 * 1024
_OMHULSEL = 64 * 1024


def content_disposition(naam: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987)."""
    ascii_naam = unicodedata.normalize("NFKD", naam).encode("ascii", "ignore").decode()
    ascii_naam = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in ascii_naam)
    fallback = ascii_naam or "bijlage"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(naam, safe='')}"


async def _weiger(scherm: Scherm, item_id: uuid.UUID, melding: str, status_code: int) -> Template:
    async with scherm.db.begin():
        casus_id = await casus_van_item(scherm.db, scherm.actor, item_id)
    fragment = await informatie_fragment(
        scherm, casus_id, bijlage_fouten={str(item_id): melding}, status_code=status_code
    )
    return await scherm.sectie(casus_id, "informatie", fragment)


class BijlageController(CasusoverlegBasis):
    opt = roles(*WERKERS)

    @post(
        "/informatie/{item_id:uuid}/bijlagen",
        name="bijlage-toevoegen",
        request_max_body_size=HARDE_GRENS,
    )
    async def bijlage_toevoegen(
        self,
        item_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        request, db, actor = scherm.request, scherm.db, scherm.actor
        max_bytes = scherm.state.settings.bijlage_max_bytes
        lengte = request.headers.get("content-length", "")
        if lengte.isdigit() and int(lengte) > max_bytes + _OMHULSEL:
            # Refused before the body is read: nothing of it is parsed or stored.
            return await _weiger(scherm, item_id, te_groot(max_bytes), 413)
        formulier = await request.form()
        naam, inhoud = "", b""
        try:
            bestand = formulier.get(VELD)
            if isinstance(bestand, UploadFile):
                naam = bestand.filename or ""
                # One byte over the limit is enough to know it is too large.
                inhoud = await bestand.read(max_bytes + 1)
        finally:
            # Spooled to a temporary file above 1 MB: removed now, not when collected.
            for waarde in formulier.values():
                if isinstance(waarde, UploadFile):
                    await waarde.close()
        try:
            async with db.begin():
                bijlage = await voeg_bijlage_toe(
                    db,
                    actor,
                    item_id=item_id,
                    bestandsnaam=naam,
                    inhoud=inhoud,
                    max_bytes=max_bytes,
                )
                casus_id = await casus_van_item(db, actor, item_id)
        except RegelFout as fout:
            return await _weiger(
                scherm, item_id, fout.message, 413 if len(inhoud) > max_bytes else 422
            )
        if request.headers.get("hx-request") != "true":
            return scherm.terug(
                f"/casusoverleg/casussen/{casus_id}/informatie#item-{bijlage.item_id}",
                f"Bijlage {naam} toegevoegd.",
            )
        return await informatie_fragment(scherm, casus_id, melding=f"Bijlage {naam} toegevoegd.")

    @get("/bijlagen/{bijlage_id:uuid}", name="bijlage-downloaden")
    async def bijlage_downloaden(
        self,
        bijlage_id: FromPath[uuid.UUID],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Response[bytes]:
        async with db.begin():
            bestand = await lees_bijlage(db, actor, bijlage_id)
        return Response(
            bestand.inhoud,
            media_type=bestand.mediatype,
            headers={
                "Content-Disposition": content_disposition(bestand.bestandsnaam),
                "X-Content-Type-Options": "nosniff",
            },
        )
