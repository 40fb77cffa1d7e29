"""The printable agenda of a meeting and the minutes of an agenda item (tagged PDF,
purpose-bound by the export guard and logged) and the meeting's .ics invitation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.tenancy import TenantRef
from casushub.tenants.actor import Actor
from casushub.tenants.casus.toegang import log_weigering
from casushub.tenants.exports.rules import Bestemming, ExportGeweigerd, ExportItem
from casushub.tenants.exports.rules import Formaat as ExportFormaat
from casushub.tenants.exports.services import exporteer
from casushub.tenants.overleg.services import (
    agenda_voor_bijeenkomst,
    lees_agendapunt,
    mag_bijeenkomst_zien,
)
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.agenda import AFDRUK_DOELEN, ALLEN, WERKERS
from casushub.web.casusoverleg.bijeenkomsten import (
    bijeenkomst_of_404,
    bijeenkomst_van_tenant,
    ics,
    lees_bijeenkomst,
)
from casushub.web.casusoverleg.deps import DEPS

__all__ = ["AfdrukController"]


async def _pdf(request: Request[Any, Any, Any], template: str, context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1) from the same Jinja environment as the screens.

    WeasyPrint takes hundreds of milliseconds for a long agenda: it runs in a worker thread,
    so the event loop keeps serving every other request meanwhile."""
    # WeasyPrint ships no type information (no py.typed).
    from weasyprint import HTML  # type: ignore[import-untyped]

    engine = request.app.template_engine
    if engine is None:  # pragma: no cover - the app always configures Jinja
        raise RuntimeError("no template engine")
    html = engine.get_template(template).render(**context)
    pdf: bytes = await asyncio.to_thread(HTML(string=html).write_pdf, pdf_variant="pdf/ua-1")
    return pdf


def _afdruk_geweigerd(titel: str, actie: str, fout: str, status_code: int = 422) -> Template:
    return Template(
        "casusoverleg/afdruk.html",
        context={"titel": titel, "actie": actie, "fout": fout, "doelen": AFDRUK_DOELEN},
        status_code=status_code,
    )


class AfdrukController(Controller):
    path = "/casusoverleg"
    opt = roles(*WERKERS)
    dependencies = DEPS

    @get("/bijeenkomsten/{bijeenkomst_id:uuid}/agenda.pdf", name="agenda-pdf")
    async def agenda_pdf(
        self,
        bijeenkomst_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        state: State,
        tenant: NamedDependency[TenantRef],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        doel: FromQuery[str] = "",
    ) -> Response[bytes] | Template:
        """This municipality's part of the agenda, as the viewer may see it; the print is
        purpose-bound (export guard) and logged as a print per casus."""
        info = await bijeenkomst_of_404(state.engine, tenant.id, bijeenkomst_id)
        actie = f"/casusoverleg/bijeenkomsten/{bijeenkomst_id}/agenda.pdf"
        try:
            async with db.begin():
                regels = await agenda_voor_bijeenkomst(db, actor, bijeenkomst_id)
                # One logged print per casus on the agenda (or one without a casus for an
                # empty agenda), so the log answers "who printed this casus".
                afdrukken: list[tuple[uuid.UUID | None, list[ExportItem]]] = [
                    (r.casus_id, [ExportItem("agendapunt", r.agendapunt_id)]) for r in regels
                ] or [(None, [])]
                for casus_id, items in afdrukken:
                    await exporteer(
                        db,
                        actor,
                        doel=doel,
                        bestemming=Bestemming.CASUSOVERLEG,
                        formaat=ExportFormaat.AFDRUK,
                        items=items,
                        casus_id=casus_id,
                    )
        except ExportGeweigerd as fout:
            async with db.begin():
                await log_weigering(
                    db, actor, gegevensgroep="export", casus_id=None, reden=fout.message
                )
            return _afdruk_geweigerd("Agenda afdrukken", actie, fout.message)
        pdf = await _pdf(request, "casusoverleg/agenda_pdf.html", {"info": info, "regels": regels})
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="agenda.pdf"'},
        )

    @get("/agendapunten/{agendapunt_id:uuid}/notulen.pdf", name="notulen-pdf")
    async def notulen_pdf(
        self,
        agendapunt_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        state: State,
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        doel: FromQuery[str] = "",
    ) -> Response[bytes] | Template:
        actie = f"/casusoverleg/agendapunten/{agendapunt_id}/notulen.pdf"
        try:
            async with db.begin():
                weergave = await lees_agendapunt(db, actor, agendapunt_id, doel="notulen afdrukken")
                await exporteer(
                    db,
                    actor,
                    doel=doel,
                    bestemming=Bestemming.CASUSOVERLEG,
                    formaat=ExportFormaat.AFDRUK,
                    items=[ExportItem("agendapunt", weergave.punt.id)],
                    casus_id=weergave.punt.casus_id,
                )
        except ExportGeweigerd as fout:
            async with db.begin():
                await log_weigering(
                    db, actor, gegevensgroep="export", casus_id=None, reden=fout.message
                )
            return _afdruk_geweigerd("Notulen afdrukken", actie, fout.message)
        info = await lees_bijeenkomst(state.engine, weergave.punt.bijeenkomst_id)
        pdf = await _pdf(request, "casusoverleg/notulen_pdf.html", {"info": info, "w": weergave})
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="notulen.pdf"'},
        )

    @get(
        "/bijeenkomsten/{bijeenkomst_id:uuid}/uitnodiging.ics",
        name="bijeenkomst-ics",
        opt=roles(*ALLEN),
    )
    async def bijeenkomst_ics(
        self,
        bijeenkomst_id: FromPath[uuid.UUID],
        state: State,
        tenant: NamedDependency[TenantRef],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Response[str]:
        """The calendar invitation: no personal data, so nothing to log; still only for a
        meeting of the viewer's casusoverleg (an invited party: inside its invitation's window,
        as on the meeting page)."""
        info = await bijeenkomst_van_tenant(state.engine, tenant.id, bijeenkomst_id)
        if info is not None:
            async with db.begin():
                if not await mag_bijeenkomst_zien(db, actor, bijeenkomst_id, van_tenant=True):
                    info = None
        if info is None:
            raise NotFoundException(detail="Deze bijeenkomst bestaat niet.", extra={"dutch": True})
        return Response(
            ics(info),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="casusoverleg.ics"'},
        )
