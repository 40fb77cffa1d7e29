"""The printable agenda of a meeting and the minutes of an agenda item (tagged PDF,
purpose-bound by the export guard and logged) and the meeting's .ics invitation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

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
from casushub.web.casusoverleg.agenda import AFDRUK_DOELEN
from casushub.web.casusoverleg.bijeenkomsten import (
    bijeenkomst_of_404,
    bijeenkomst_van_tenant,
    ics,
    lees_bijeenkomst,
)
from casushub.web.casusoverleg.deps import CasusoverlegBasis
from casushub.web.casusoverleg.rollen import ALLEN, WERKERS
from casushub.web.casusoverleg.scherm import Scherm

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


async def _log_afdruk(
    scherm: Scherm, doel: str, items: list[ExportItem], casus_id: uuid.UUID | None
) -> None:
    """A print for the casusoverleg, through the export guard (purpose) and logged, in the
    caller's transaction; ``ExportGeweigerd`` when the purpose does not hold."""
    await exporteer(
        scherm.db,
        scherm.actor,
        doel=doel,
        bestemming=Bestemming.CASUSOVERLEG,
        formaat=ExportFormaat.AFDRUK,
        items=items,
        casus_id=casus_id,
    )


async def _afdruk_geweigerd(scherm: Scherm, titel: str, actie: str, fout: str) -> Template:
    """The export guard's refusal, logged in a transaction of its own, and the form to choose
    the purpose again (422)."""
    async with scherm.db.begin():
        await log_weigering(
            scherm.db, scherm.actor, gegevensgroep="export", casus_id=None, reden=fout
        )
    return Template(
        "casusoverleg/afdruk.html",
        context={"titel": titel, "actie": actie, "fout": fout, "doelen": AFDRUK_DOELEN},
        status_code=422,
    )


async def _als_pdf(
    scherm: Scherm, template: str, context: dict[str, Any], bestandsnaam: str
) -> Response[bytes]:
    pdf = await _pdf(scherm.request, template, context)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{bestandsnaam}"'},
    )


class AfdrukController(CasusoverlegBasis):
    opt = roles(*WERKERS)

    @get("/bijeenkomsten/{bijeenkomst_id:uuid}/agenda.pdf", name="agenda-pdf")
    async def agenda_pdf(
        self,
        bijeenkomst_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
        doel: FromQuery[str] = "",
    ) -> Response[bytes] | Template:
        """This municipality's part of the agenda, as the viewer may see it; the print is
        purpose-bound (export guard) and logged as a print per casus."""
        db, actor = scherm.db, scherm.actor
        info = await bijeenkomst_of_404(scherm.state.engine, scherm.tenant.id, bijeenkomst_id)
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
                    await _log_afdruk(scherm, doel, items, casus_id)
        except ExportGeweigerd as fout:
            return await _afdruk_geweigerd(scherm, "Agenda afdrukken", actie, fout.message)
        return await _als_pdf(
            scherm, "casusoverleg/agenda_pdf.html", {"info": info, "regels": regels}, "agenda.pdf"
        )

    @get("/agendapunten/{agendapunt_id:uuid}/notulen.pdf", name="notulen-pdf")
    async def notulen_pdf(
        self,
        agendapunt_id: FromPath[uuid.UUID],
        scherm: NamedDependency[Scherm],
        doel: FromQuery[str] = "",
    ) -> Response[bytes] | Template:
        db, actor = scherm.db, scherm.actor
        actie = f"/casusoverleg/agendapunten/{agendapunt_id}/notulen.pdf"
        try:
            async with db.begin():
                weergave = await lees_agendapunt(db, actor, agendapunt_id, doel="notulen afdrukken")
                await _log_afdruk(
                    scherm,
                    doel,
                    [ExportItem("agendapunt", weergave.punt.id)],
                    weergave.punt.casus_id,
                )
        except ExportGeweigerd as fout:
            return await _afdruk_geweigerd(scherm, "Notulen afdrukken", actie, fout.message)
        info = await lees_bijeenkomst(scherm.state.engine, weergave.punt.bijeenkomst_id)
        return await _als_pdf(
            scherm, "casusoverleg/notulen_pdf.html", {"info": info, "w": weergave}, "notulen.pdf"
        )

    @get(
        "/bijeenkomsten/{bijeenkomst_id:uuid}/uitnodiging.ics",
        name="bijeenkomst-ics",
        opt=roles(*ALLEN),
    )
    async def bijeenkomst_ics(
        self, bijeenkomst_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Response[str]:
        """The calendar invitation: no personal data, so nothing to log; still only for a
        meeting of the viewer's casusoverleg (an invited party: inside its invitation's window,
        as on the meeting page)."""
        db = scherm.db
        info = await bijeenkomst_van_tenant(scherm.state.engine, scherm.tenant.id, bijeenkomst_id)
        if info is not None:
            async with db.begin():
                if not await mag_bijeenkomst_zien(
                    db, scherm.actor, bijeenkomst_id, van_tenant=True
                ):
                    info = None
        if info is None:
            raise NotFoundException(detail="Deze bijeenkomst bestaat niet.", extra={"dutch": True})
        return Response(
            ics(info),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="casusoverleg.ics"'},
        )
