"""The hub admin uploads a municipality's convenant-era cases for it (while the processor
agreement runs): the same dry run and import as the regie's, without the transition list.

The dry run's report holds row numbers, source ids and faults only, no names: the weging
and everything about the persons stays with the municipality.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform import klok
from casushub.platform.hub.gemeenten import tenantrij
from casushub.platform.hub.overeenkomst import verwerkersovereenkomst_actief
from casushub.platform.identity.roles import Role
from casushub.platform.jobs import create_job, get_job
from casushub.platform.logs import request_id_var
from casushub.platform.registry import servable
from casushub.platform.tenancy import tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout
from casushub.tenants.overgang import formaat
from casushub.tenants.overgang.inlezen import (
    bevestig,
    lees_import,
    proefimport,
    recente_imports,
    verwerp,
)
from casushub.tenants.overgang.models import ImportStatus
from casushub.web.auth.guards import current_identity, roles
from casushub.web.hub.deps import NAVIGATIE, hub_admin, in_hub
from casushub.web.jobs import job_context
from casushub.web.overgang.controllers import (
    IMPORT_ACTOR,
    _download,
    bekende_gemeenten,
    lees_bestand,
)
from casushub.workers.enqueue import send_job

__all__ = ["hub_overgang_handlers"]

log = logging.getLogger(__name__)
BASIS = "/hub/gemeenten/{tenant_id:uuid}/overgang"
GEEN_OVEREENKOMST = (
    "De verwerkersovereenkomst met deze gemeente loopt niet: de hub kan geen zaken voor haar "
    "inlezen."
)


async def _gemeente(request: Request[Any, Any, State], state: State, tenant_id: uuid.UUID) -> Any:
    admin = hub_admin(request)
    async with state.engine.connect() as conn:
        row = await tenantrij(conn, tenant_id)
    if row is None:
        raise NotFoundException
    in_hub(row.hub_id, admin)
    if not verwerkersovereenkomst_actief(row, klok.vandaag()):
        raise PermissionDeniedException(detail=GEEN_OVEREENKOMST, extra={"dutch": True})
    return row


def _actor(request: Request[Any, Any, State]) -> Actor:
    identity = current_identity(request)
    # The route's guard already required a signed-in hub admin with an active membership.
    if identity is None or identity.active is None:
        raise NotAuthorizedException
    return Actor(
        user_id=identity.user_id,
        organisation_id=identity.active.organisation_id,
        role=Role.HUB_ADMIN.value,
        request_id=request_id_var.get(),
        organisation_type=identity.active.organisation_type,
    )


@asynccontextmanager
async def _sessie(state: State, row: Any) -> AsyncIterator[AsyncSession]:
    async with tenant_session(state.engine, servable(row), state.settings) as session:
        yield session


def _pagina(row: Any, uploads: list[Any], fout: str | None, status_code: int = 200) -> Template:
    return Template(
        "overgang/hub.html",
        context={
            "navigation": NAVIGATIE,
            "tenant": row,
            "uploads": uploads,
            "fouten": {"bestand": fout} if fout else {},
            "basis": f"/hub/gemeenten/{row.id}/overgang",
        },
        status_code=status_code,
    )


class HubOvergangController(Controller):
    """The hub admin's import of a municipality's overgangsvoorraad."""

    path = "/hub"
    opt = roles(Role.HUB_ADMIN)

    @get("/gemeenten/{tenant_id:uuid}/overgang", name="hub-overgang")
    async def hub_overgang(
        self, request: Request[Any, Any, State], state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Template:
        row = await _gemeente(request, state, tenant_id)
        async with _sessie(state, row) as db, db.begin():
            uploads = await recente_imports(db, _actor(request))
        return _pagina(row, uploads, None)

    @get("/gemeenten/{tenant_id:uuid}/overgang/bestanden/{naam:str}", name="hub-overgang-bestand")
    async def hub_overgang_bestand(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        naam: FromPath[str],
    ) -> Response[bytes]:
        row = await _gemeente(request, state, tenant_id)
        bestanden = {
            "sjabloon.csv": (formaat.sjabloon_csv(), "text/csv; charset=utf-8"),
            "sjabloon.json": (formaat.sjabloon_json(), "application/json"),
            "voorbeeld.csv": (formaat.voorbeeld_csv(row.gemeentecode), "text/csv; charset=utf-8"),
            "voorbeeld.json": (formaat.voorbeeld_json(row.gemeentecode), "application/json"),
        }
        if naam not in bestanden:
            raise NotFoundException
        tekst, mediatype = bestanden[naam]
        return _download(tekst, f"overgangsvoorraad-{naam}", mediatype)

    @post(
        "/gemeenten/{tenant_id:uuid}/overgang/proef",
        name="hub-overgang-proef",
        request_max_body_size=formaat.MAX_BESTAND_BYTES + 64 * 1024,
    )
    async def hub_overgang_proef(
        self, request: Request[Any, Any, State], state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Template | Redirect:
        row = await _gemeente(request, state, tenant_id)
        naam, inhoud = await lees_bestand(request)
        gemeenten = await bekende_gemeenten(state)
        actor = _actor(request)
        try:
            if not inhoud:
                raise RegelFout("Kies een CSV- of JSON-bestand om te controleren.", "bestand")
            async with _sessie(state, row) as db, db.begin():
                upload = await proefimport(
                    db,
                    actor,
                    bestandsnaam=naam,
                    inhoud=inhoud,
                    bekende_gemeenten=gemeenten,
                    geheim=state.settings.secret_key.encode(),
                )
        except RegelFout as fout:
            async with _sessie(state, row) as db, db.begin():
                uploads = await recente_imports(db, actor)
            return _pagina(row, uploads, fout.message, 422)
        return Redirect(f"/hub/gemeenten/{row.id}/overgang/imports/{upload.id}", status_code=303)

    @get(
        "/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}", name="hub-overgang-import"
    )
    async def hub_overgang_import(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        import_id: FromPath[uuid.UUID],
    ) -> Template:
        row = await _gemeente(request, state, tenant_id)
        async with _sessie(state, row) as db, db.begin():
            upload = await lees_import(db, _actor(request), import_id)
        job = await get_job(state.engine, upload.job_id) if upload.job_id else None
        rapport = upload.rapport or []
        basis = f"/hub/gemeenten/{row.id}/overgang"
        return Template(
            "overgang/import.html",
            context={
                "navigation": NAVIGATIE,
                "upload": upload,
                "proef": upload.status == ImportStatus.PROEF,
                "fouten_rijen": [r for r in rapport if r["status"] == "fout"],
                "nieuw": sum(1 for r in rapport if r["status"] == "nieuw"),
                "al_ingelezen": sum(1 for r in rapport if r["status"] == "al_ingelezen"),
                "kruimel": {"label": f"{row.name}: overgangsvoorraad", "href": basis},
                "basis": basis,
                **(job_context(job) if job else {}),
            },
        )

    @post(
        "/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}/bevestigen",
        name="hub-overgang-bevestigen",
    )
    async def hub_overgang_bevestigen(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        import_id: FromPath[uuid.UUID],
    ) -> Redirect:
        row = await _gemeente(request, state, tenant_id)
        terug = Redirect(f"/hub/gemeenten/{row.id}/overgang/imports/{import_id}", status_code=303)
        actor = _actor(request)
        async with _sessie(state, row) as db:
            async with db.begin():
                upload = await lees_import(db, actor, import_id)
                if upload.status != ImportStatus.PROEF or not upload.rijen:
                    return terug
            job_id = await create_job(
                state.engine, IMPORT_ACTOR, tenant_id=row.id, params={"import_id": str(import_id)}
            )
            try:
                async with db.begin():
                    await bevestig(db, actor, import_id, job_id)
            except RegelFout:
                return terug
        try:
            await asyncio.to_thread(send_job, job_id, IMPORT_ACTOR)
        except Exception:  # noqa: BLE001 - the jobs sweep sends it once the broker is back
            log.warning("broker unavailable; job %s stays queued for the sweep", job_id)
        return terug

    @post(
        "/gemeenten/{tenant_id:uuid}/overgang/imports/{import_id:uuid}/verwerpen",
        name="hub-overgang-verwerpen",
    )
    async def hub_overgang_verwerpen(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        import_id: FromPath[uuid.UUID],
    ) -> Redirect:
        row = await _gemeente(request, state, tenant_id)
        try:
            async with _sessie(state, row) as db, db.begin():
                await verwerp(db, _actor(request), import_id)
        except RegelFout:
            pass
        return Redirect(f"/hub/gemeenten/{row.id}/overgang", status_code=303)

    @get("/overgang/formaat", name="hub-overgang-formaat", sync_to_thread=False)
    def hub_overgang_formaat(self) -> Template:
        return Template(
            "overgang/formaat.html",
            context={
                "navigation": NAVIGATIE,
                "velden": formaat.VELDEN,
                "max_rijen": formaat.MAX_RIJEN,
                "kruimel": {"label": "Gemeenten", "href": "/hub/gemeenten"},
                "hub": True,
            },
        )


hub_overgang_handlers = [HubOvergangController]
