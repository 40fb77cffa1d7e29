"""Figures without personal data: the regie's for its municipality, the hub admin's per
municipality (only while its processor agreement runs) and for the whole hub.

Each figure is a chart (server-rendered SVG) with its data table beside it, downloadable as
CSV; the period is a calendar year. What may be shown is decided in
``casushub.tenants.cijfers.rules``; every view and download is logged per municipality.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from casushub.crosstenant.cijfers import cijfers_per_gemeente
from casushub.platform import klok
from casushub.platform.hub.gemeenten import actieve_gemeenten, hub_van
from casushub.platform.hub.overeenkomst import verwerkersovereenkomst_actief
from casushub.platform.identity.organisations import organisatietypes
from casushub.platform.identity.roles import Role
from casushub.platform.migrate.revisions import servable_revision, tenant_head
from casushub.platform.tenancy import TenantRef
from casushub.tenants.cijfers.rules import Cijfers, Weergave, weergave
from casushub.tenants.cijfers.services import (
    FASEN,
    MAANDEN,
    UITKOMSTEN,
    VERNIETIGD,
    VERZOEK_AFHANDELING,
    VERZOEK_SOORTEN,
    log_inzage,
    verzamel,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijlagen import content_disposition
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.hub.deps import NAVIGATIE, hub_admin, in_hub
from casushub.web.overgang.grafiek import staafdiagram
from casushub.web.overgang.hub import _actor as hub_actor

__all__ = ["cijfer_handlers"]

EERSTE_JAAR = 2024
TYPE_LABELS = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "Openbaar Ministerie",
    "reclassering": "reclassering",
    "rvdk": "Raad voor de Kinderbescherming",
    "jenv": "Minister van JenV",
    "satellietpartner": "zorg- en andere partners",
    "hub": "hub",
}
VASTE_RIJEN = {
    "signalen": MAANDEN,
    "wegingen": tuple(UITKOMSTEN.values()),
    "fasen": tuple(FASEN.values()),
    "reviews": ("over de datum",),
    "verzoeken": tuple(VERZOEK_SOORTEN.values()),
    "vernietigd": tuple(VERNIETIGD.values()),
}
VASTE_KOLOMMEN = {"verzoeken": VERZOEK_AFHANDELING}


class OngeldigJaar(ValueError):
    pass


def _jaar(waarde: str | None) -> int:
    huidig = klok.vandaag().year
    if not waarde:
        return huidig
    if not waarde.strip().isdigit() or not EERSTE_JAAR <= int(waarde) <= huidig:
        raise OngeldigJaar(waarde)
    return int(waarde)


def _jaren() -> list[int]:
    return list(range(klok.vandaag().year, EERSTE_JAAR - 1, -1))


async def _bron_types(state: State) -> dict[uuid.UUID, str]:
    async with state.engine.connect() as conn:
        types = await organisatietypes(conn)
    return {i: TYPE_LABELS.get(t, "overig") for i, t in types.items()}


def _weergave(per_gemeente: list[Cijfers]) -> Weergave:
    return weergave(per_gemeente, vaste_rijen=VASTE_RIJEN, vaste_kolommen=VASTE_KOLOMMEN)


def _csv(w: Weergave, wie: str, jaar: int) -> Response[bytes]:
    buf = io.StringIO()
    schrijver = csv.writer(buf, lineterminator="\r\n")
    schrijver.writerow(["cijfer", "rij", "kolom", "waarde"])
    for tabel in w.tabellen:
        for rij, teksten in tabel.rijen:
            for kolom, tekst in zip(tabel.kolommen, teksten, strict=True):
                schrijver.writerow([tabel.titel, rij, kolom, tekst])
    for _, label, waarde in w.duren:
        schrijver.writerow([label, "", "", waarde])
    return Response(
        buf.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition(f"cijfers-{wie}-{jaar}.csv"),
        },
    )


def _pagina(
    context: dict[str, Any], w: Weergave | None, jaar: int, fout: str | None = None
) -> Template:
    grafieken = {t.sleutel: staafdiagram(t) for t in w.tabellen} if w else {}
    return Template(
        "cijfers/pagina.html",
        context={
            **context,
            "weergave": w,
            "grafieken": grafieken,
            "jaar": jaar,
            "jaren": _jaren(),
            "fout": fout,
        },
        status_code=422 if fout else 200,
    )


FOUT_JAAR = f"Kies een jaar van {EERSTE_JAAR} tot en met dit jaar."


async def lopende_gemeenten(state: State, hub_id: uuid.UUID) -> list[Any]:
    """The hub's municipalities whose processor agreement runs today (and that are served)."""
    async with state.engine.connect() as conn:
        rows = await actieve_gemeenten(conn, hub_id)
    vandaag = klok.vandaag()
    head = tenant_head()
    return [
        r
        for r in rows
        if verwerkersovereenkomst_actief(r, vandaag) and servable_revision(r.schema_revision, head)
    ]


async def _hub(
    request: Request[Any, Any, State],
    state: State,
    jaar: str | None,
    tenant_id: uuid.UUID | None,
    *,
    download: bool,
) -> Template | Response[bytes]:
    admin = hub_admin(request)
    gemeenten = await lopende_gemeenten(state, admin.hub_id)
    gekozen_gemeente = None
    if tenant_id is not None:
        gekozen_gemeente = next((g for g in gemeenten if g.id == tenant_id), None)
        if gekozen_gemeente is None:
            # Another hub's, an unknown one, or one whose agreement does not run: no figures.
            async with state.engine.connect() as conn:
                hub_id = await hub_van(conn, tenant_id)
            in_hub(hub_id, admin)
            raise NotFoundException(
                detail="Van deze gemeente toont de hub geen cijfers: de verwerkersovereenkomst "
                "loopt niet.",
                extra={"dutch": True},
            )
    context = {
        "navigation": NAVIGATIE,
        "titel": f"Cijfers van {gekozen_gemeente.name}"
        if gekozen_gemeente
        else "Cijfers van de hub",
        "actie": f"/hub/cijfers/{tenant_id}" if tenant_id else "/hub/cijfers",
        "hub": True,
        "gemeenten": gemeenten,
        "gemeente": gekozen_gemeente,
    }
    try:
        gekozen = _jaar(jaar)
    except OngeldigJaar:
        return _pagina(context, None, klok.vandaag().year, FOUT_JAAR)
    lezen = [gekozen_gemeente] if gekozen_gemeente else gemeenten
    ruw = await cijfers_per_gemeente(
        state.engine,
        state.settings,
        hub_actor(request),
        [TenantRef(g.id, g.slug) for g in lezen],
        jaar=gekozen,
        bron_types=await _bron_types(state),
        download=download,
    )
    # The hub's cells: hidden where subtracting the municipalities' exact cells would pin a
    # suppressed one down (rules.toon_hubcel).
    w = _weergave(list(ruw.values()))
    if download:
        wie = gekozen_gemeente.slug if gekozen_gemeente else "hub"
        return _csv(w, wie, gekozen)
    return _pagina(context, w, gekozen)


class CijfersController(Controller):
    """The figures: the hub admin's per municipality, the regie's of its own."""

    path = "/"
    opt = roles(Role.HUB_ADMIN)

    @get("/cijfers", name="cijfers", opt=roles(Role.GEMEENTE_REGIE), dependencies=DEPS)
    async def cijfers_gemeente(
        self,
        scherm: NamedDependency[Scherm],
        jaar: FromQuery[str | None] = None,
    ) -> Template:
        state, db, actor = scherm.state, scherm.db, scherm.actor
        context = {"titel": "Cijfers van uw gemeente", "actie": "/cijfers", "hub": False}
        try:
            gekozen = _jaar(jaar)
        except OngeldigJaar:
            return _pagina(context, None, klok.vandaag().year, FOUT_JAAR)
        bron_types = await _bron_types(state)
        async with db.begin():
            ruw = await verzamel(db, actor, jaar=gekozen, bron_types=bron_types)
            await log_inzage(db, actor, jaar=gekozen, download=False)
        return _pagina(context, _weergave([ruw]), gekozen)

    @get(
        "/cijfers/download",
        name="cijfers-download",
        opt=roles(Role.GEMEENTE_REGIE),
        dependencies=DEPS,
    )
    async def cijfers_gemeente_download(
        self,
        scherm: NamedDependency[Scherm],
        jaar: FromQuery[str | None] = None,
    ) -> Response[bytes] | Template:
        state, tenant, db, actor = scherm.state, scherm.tenant, scherm.db, scherm.actor
        try:
            gekozen = _jaar(jaar)
        except OngeldigJaar:
            context = {"titel": "Cijfers van uw gemeente", "actie": "/cijfers", "hub": False}
            return _pagina(context, None, klok.vandaag().year, FOUT_JAAR)
        bron_types = await _bron_types(state)
        async with db.begin():
            ruw = await verzamel(db, actor, jaar=gekozen, bron_types=bron_types)
            await log_inzage(db, actor, jaar=gekozen, download=True)
        return _csv(_weergave([ruw]), tenant.slug, gekozen)

    @get("/hub/cijfers", name="hub-cijfers")
    async def hub_cijfers(
        self, request: Request[Any, Any, State], state: State, jaar: FromQuery[str | None] = None
    ) -> Template | Response[bytes]:
        return await _hub(request, state, jaar, None, download=False)

    @get("/hub/cijfers/download", name="hub-cijfers-download")
    async def hub_cijfers_download(
        self, request: Request[Any, Any, State], state: State, jaar: FromQuery[str | None] = None
    ) -> Template | Response[bytes]:
        return await _hub(request, state, jaar, None, download=True)

    @get("/hub/cijfers/{tenant_id:uuid}", name="hub-cijfers-gemeente")
    async def hub_cijfers_gemeente(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        jaar: FromQuery[str | None] = None,
    ) -> Template | Response[bytes]:
        return await _hub(request, state, jaar, tenant_id, download=False)

    @get("/hub/cijfers/{tenant_id:uuid}/download", name="hub-cijfers-gemeente-download")
    async def hub_cijfers_gemeente_download(
        self,
        request: Request[Any, Any, State],
        state: State,
        tenant_id: FromPath[uuid.UUID],
        jaar: FromQuery[str | None] = None,
    ) -> Template | Response[bytes]:
        return await _hub(request, state, jaar, tenant_id, download=True)


cijfer_handlers = [CijfersController]
