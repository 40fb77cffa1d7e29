"""The FG's screens: "wie heeft casus N gezien", "wat heeft gebruiker U gezien", the period
export (CSV, Logboek Dataverwerkingen JSON); and the regie's "wat wordt volgende week
vernietigd". Every answer is itself logged by the service it calls.

The question forms use GET (nothing changes but the access log), so a result page can be
bookmarked and reloaded; the period is in whole days, Dutch time, both ends included.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.platform.tenancy import TenantRef
from casushub.tenants.bewaartermijnen.rules import PLACEHOLDER_NOTE
from casushub.tenants.bewaartermijnen.sweep import proefrun
from casushub.tenants.casus.errors import RegelFout
from casushub.tenants.verwerkingenlog.export import export_csv, export_logboek_json
from casushub.tenants.verwerkingenlog.fg import seen_by_user, viewers_of_casus
from casushub.tenants.verwerkingenlog.fg_zoeken import casussen_op_naam
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS
from casushub.web.casusoverleg.scherm import Scherm

__all__ = ["fg_handlers"]


def _day(raw: str | None, field: str, errors: dict[str, str]) -> date | None:
    if not raw or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors[field] = "Vul een geldige datum in (jjjj-mm-dd)."
        return None


def _period(
    van: str | None, tot: str | None, errors: dict[str, str], prefix: str
) -> tuple[datetime | None, datetime | None]:
    first = _day(van, f"{prefix}-van", errors)
    last = _day(tot, f"{prefix}-tot", errors)
    if first and last and last < first:
        errors[f"{prefix}-tot"] = "De einddatum ligt vóór de begindatum."
    start = datetime.combine(first, time.min, klok.TIJDZONE) if first else None
    end = datetime.combine(last + timedelta(days=1), time.min, klok.TIJDZONE) if last else None
    return start, end


def _uuid(raw: str | None, field: str, message: str, errors: dict[str, str]) -> uuid.UUID | None:
    try:
        return uuid.UUID((raw or "").strip())
    except ValueError:
        errors[field] = message
        return None


def _vraag(
    sleutel: str, kenmerk: str | None, melding: str, van: str | None, tot: str | None
) -> tuple[uuid.UUID | None, datetime | None, datetime | None, dict[str, str], dict[str, str]]:
    """A question by an id (``sleutel``: casus, gebruiker) over a period: the id, the period,
    what was asked (to show again) and the messages."""
    errors: dict[str, str] = {}
    ident = _uuid(kenmerk, sleutel, melding, errors)
    start, end = _period(van, tot, errors, sleutel)
    vraag = {sleutel: kenmerk or "", f"{sleutel}-van": van or "", f"{sleutel}-tot": tot or ""}
    return ident, start, end, vraag, errors


def _page(context: dict[str, Any]) -> Template:
    base: dict[str, Any] = {
        "errors": {},
        "vraag": {},
        "kijkers": None,
        "inzagen": None,
        "treffers": None,
    }
    return Template("fg/index.html", context={**base, **context})


class FgController(Controller):
    """The FG's access-log screens and the retention dry run."""

    path = "/"
    opt = roles(Role.FG_AUDITOR)
    dependencies = DEPS

    @get("/fg", name="fg")
    async def fg_index(self, tenant: NamedDependency[TenantRef]) -> Template:
        return _page({"tenant": tenant})

    @get("/fg/casus", name="fg-casus")
    async def fg_casus(
        self,
        scherm: NamedDependency[Scherm],
        casus: FromQuery[str | None] = None,
        van: FromQuery[str | None] = None,
        tot: FromQuery[str | None] = None,
        naam: FromQuery[str | None] = None,
    ) -> Template:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        if naam is not None and not (casus or "").strip():
            # First find the casus by the person's name; each result links to its answer.
            vraag = {"casus-naam": naam[:200]}
            try:
                async with db.begin():
                    treffers = await casussen_op_naam(db, actor, naam)
            except RegelFout as fout:
                fouten = {"casus-naam": fout.message}
                return _page({"tenant": tenant, "errors": fouten, "vraag": vraag})
            return _page({"tenant": tenant, "vraag": vraag, "treffers": treffers})
        casus_id, start, end, vraag, errors = _vraag(
            "casus", casus, "Vul het kenmerk van de casus in (zoals in de adresbalk).", van, tot
        )
        if errors or casus_id is None:
            return _page({"tenant": tenant, "errors": errors, "vraag": vraag})
        async with db.begin():
            kijkers = await viewers_of_casus(db, actor, casus_id, van=start, tot=end)
        return _page({"tenant": tenant, "vraag": vraag, "kijkers": kijkers, "casus_id": casus_id})

    @get("/fg/gebruiker", name="fg-gebruiker")
    async def fg_gebruiker(
        self,
        scherm: NamedDependency[Scherm],
        gebruiker: FromQuery[str | None] = None,
        van: FromQuery[str | None] = None,
        tot: FromQuery[str | None] = None,
    ) -> Template:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        user_id, start, end, vraag, errors = _vraag(
            "gebruiker", gebruiker, "Vul het kenmerk van de gebruiker in.", van, tot
        )
        if errors or user_id is None:
            return _page({"tenant": tenant, "errors": errors, "vraag": vraag})
        async with db.begin():
            inzagen = await seen_by_user(db, actor, user_id, van=start, tot=end)
        return _page({"tenant": tenant, "vraag": vraag, "inzagen": inzagen, "user_id": user_id})

    @get("/fg/export", name="fg-export")
    async def fg_export(
        self,
        scherm: NamedDependency[Scherm],
        van: FromQuery[str | None] = None,
        tot: FromQuery[str | None] = None,
        vorm: FromQuery[str] = "csv",
    ) -> Response[Any] | Template:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        errors: dict[str, str] = {}
        start, end = _period(van, tot, errors, "export")
        if start is None and "export-van" not in errors:
            errors["export-van"] = "Vul de begindatum van de periode in."
        if end is None and "export-tot" not in errors:
            errors["export-tot"] = "Vul de einddatum van de periode in."
        if vorm not in {"csv", "json"}:
            errors["export-vorm"] = "Kies CSV of JSON."
        if errors or start is None or end is None:
            vraag = {"export-van": van or "", "export-tot": tot or "", "export-vorm": vorm}
            return _page({"tenant": tenant, "errors": errors, "vraag": vraag})
        out = io.StringIO()
        async with db.begin():
            if vorm == "csv":
                await export_csv(db, actor, out, van=start, tot=end)
            else:
                await export_logboek_json(db, actor, out, van=start, tot=end)
        name = f"verwerkingenlog-{tenant.slug}-{van}-{tot}.{vorm}"
        media = "text/csv; charset=utf-8" if vorm == "csv" else "application/json"
        return Response(
            out.getvalue(),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get(
        "/bewaartermijnen/proefrun",
        name="vernietiging-proefrun",
        opt=roles(Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR, Role.FG_AUDITOR),
    )
    async def vernietiging_proefrun(
        self,
        scherm: NamedDependency[Scherm],
    ) -> Template:
        tenant, db, actor = scherm.tenant, scherm.db, scherm.actor
        async with db.begin():
            rapport = await proefrun(db, actor)
        return Template(
            "fg/proefrun.html",
            context={"tenant": tenant, "rapport": rapport, "voorlopig": PLACEHOLDER_NOTE},
        )


fg_handlers = [FgController]
