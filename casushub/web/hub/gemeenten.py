"""The hub admin's municipalities: overview, onboarding wizard, municipality page, lifecycle.

Onboarding validates in the request (errors inline, input kept) and then provisions in a
background job (``tenants.provision`` with the aanmelding in the job row); the page polls the
job and ends on the new municipality's page.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from casushub.crosstenant import lifecycle
from casushub.platform import klok
from casushub.platform.hub import casusoverleg, checklist
from casushub.platform.hub.casusoverleg import DEELNEMER_TYPES, zet_deelnemers
from casushub.platform.hub.checklist import StapWijziging
from casushub.platform.hub.gebruikers import gebruikers_per_rol
from casushub.platform.hub.gemeenten import alle_gemeenten, gemeente_id, tenantrij
from casushub.platform.hub.models import Situatie, StapStatus
from casushub.platform.hub.organisaties import actieve_organisaties, eigen_organisaties
from casushub.platform.hub.overeenkomst import verwerkersovereenkomst_actief
from casushub.platform.identity.audit import record
from casushub.platform.identity.roles import Role
from casushub.platform.jobs import get_job
from casushub.platform.registry import RegistryError
from casushub.web.auth.guards import roles
from casushub.web.formulieren import FORMULIER, meerdere
from casushub.web.hub.aanmelding import (
    DATUM_FOUT,
    SITUATIES,
    STAP_STATUS,
    STATUS_LABELS,
    VELDEN,
    Aanmelding,
    Deelnemerkeuze,
    Stapformulier,
    aanmelding_uit_formulier,
    start_export,
    start_onboarding,
    tenant_clash,
)
from casushub.web.hub.deps import (
    AnyRequest,
    HubAdmin,
    datum,
    hub_admin,
    in_hub,
    render,
)
from casushub.web.jobs import job_context

__all__ = ["GemeentenController"]


async def _tenant(state: State, admin: HubAdmin, tenant_id: uuid.UUID) -> Any:
    async with state.engine.connect() as conn:
        row = await tenantrij(conn, tenant_id)
    if row is None:
        raise NotFoundException
    in_hub(row.hub_id, admin)
    return row


class GemeentenController(Controller):
    path = "/hub/gemeenten"
    opt = roles(Role.HUB_ADMIN)

    @get("", name="hub-gemeenten")
    async def overzicht(self, request: AnyRequest, state: State) -> Template:
        admin = hub_admin(request)
        async with state.engine.connect() as conn:
            voortgang = {v.tenant_id: v for v in await checklist.voortgang(conn, admin.hub_id)}
            tenants = await alle_gemeenten(conn, admin.hub_id)
        rijen = [
            {
                "id": t.id,
                "naam": t.name,
                "slug": t.slug,
                "status": STATUS_LABELS.get(t.status, t.status),
                "voortgang": voortgang.get(t.id),
            }
            for t in tenants
        ]
        return render(
            request,
            "hub/gemeenten.html",
            {"gemeenten": rijen},
            fragment="hub/_gemeenten_tabel.html",
        )

    @get("/nieuw", name="hub-gemeente-nieuw")
    async def nieuw(self, request: AnyRequest) -> Template:
        hub_admin(request)
        return render(
            request,
            "hub/gemeente_nieuw.html",
            {"waarden": {"situatie": Situatie.ZVH.value}, "fouten": {}, "situaties": SITUATIES},
        )

    @post("/nieuw", name="hub-gemeente-aanmelden")
    async def aanmelden(
        self, request: AnyRequest, state: State, data: Annotated[Aanmelding, FORMULIER]
    ) -> Template:
        admin = hub_admin(request)
        waarden = {k: getattr(data, k) for k in VELDEN}
        bsn = data.bsn_toegestaan == "ja"
        aanmelding, fouten = aanmelding_uit_formulier(waarden, bsn)
        if not fouten:
            fouten = await tenant_clash(state, aanmelding)
        if fouten:
            waarden["bsn_toegestaan"] = "ja" if bsn else ""
            return render(
                request,
                "hub/gemeente_nieuw.html",
                {"waarden": waarden, "fouten": fouten, "situaties": SITUATIES},
                fragment="hub/_gemeente_formulier.html",
                status_code=422,
            )
        job_id = await start_onboarding(state, admin.user_id, admin.hub_id, aanmelding)
        job = await get_job(state.engine, job_id)
        assert job is not None  # noqa: S101 - just created
        return render(
            request,
            "hub/gemeente_aanmaken.html",
            {**job_context(job), "naam": aanmelding.naam},
            fragment="hub/_gemeente_aanmaken.html",
        )

    @get("/taken/{job_id:uuid}", name="hub-gemeente-taak")
    async def taak(
        self, request: AnyRequest, state: State, job_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        admin = hub_admin(request)
        job = await get_job(state.engine, job_id)
        if (
            job is None
            or job.kind != "tenants.provision"
            or job.params.get("hub_id") != str(admin.hub_id)
        ):
            raise NotFoundException
        headers: dict[str, str] = {}
        if job.status == "done":
            async with state.engine.connect() as conn:
                tenant_id = await gemeente_id(conn, job.params["slug"])
            if tenant_id is not None:
                # Done: the page ends on the new municipality's page.
                headers["HX-Redirect"] = f"/hub/gemeenten/{tenant_id}"
        return Template(
            "jobs/_inhoud.html",
            context=job_context(job),
            status_code=286 if job.finished else 200,
            headers=headers,
        )

    @get("/{tenant_id:uuid}", name="hub-gemeente")
    async def gemeente(
        self, request: AnyRequest, state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Template:
        admin = hub_admin(request)
        tenant = await _tenant(state, admin, tenant_id)
        return render(request, "hub/gemeente.html", await _gemeente_context(state, admin, tenant))

    @post("/{tenant_id:uuid}/stappen/{stap_id:uuid}", name="hub-stap")
    async def stap(
        self,
        request: AnyRequest,
        state: State,
        tenant_id: FromPath[uuid.UUID],
        stap_id: FromPath[uuid.UUID],
        data: Annotated[Stapformulier, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        tenant = await _tenant(state, admin, tenant_id)
        fout: dict[str, str] = {}
        try:
            status = StapStatus(data.status)
        except ValueError:
            status = StapStatus.OPEN
            fout["status"] = "Kies een status."
        try:
            gereed_op = datum(data.datum)
        except ValueError:
            gereed_op = None
            fout["datum"] = DATUM_FOUT
        if not fout:
            try:
                async with state.engine.begin() as conn:
                    await checklist.werk_stap_bij(
                        conn,
                        tenant.id,
                        stap_id,
                        StapWijziging(
                            status=status,
                            verplicht=data.verplicht == "ja",
                            datum=gereed_op,
                            verantwoordelijke=data.verantwoordelijke,
                            documentreferentie=data.documentreferentie,
                        ),
                    )
                    await record(
                        conn,
                        "implementatiestap_bijgewerkt",
                        actor_user_id=admin.user_id,
                        target=tenant.slug,
                        details={"stap": str(stap_id), "status": status.value},
                        ip=admin.ip,
                    )
            except RegistryError as exc:
                if exc.field == "stap":
                    raise NotFoundException from exc
                fout[exc.field or "status"] = exc.message
        context = await _gemeente_context(state, admin, tenant)
        context["stap_fouten"] = {stap_id: fout} if fout else {}
        context["waarden_stap"] = {stap_id: data.waarden()} if fout else {}
        return render(
            request,
            "hub/gemeente.html",
            context,
            fragment="hub/_checklist.html",
            status_code=422 if fout else 200,
        )

    @post("/{tenant_id:uuid}/deelnemers", name="hub-deelnemers")
    async def deelnemers(
        self,
        request: AnyRequest,
        state: State,
        tenant_id: FromPath[uuid.UUID],
        data: Annotated[Deelnemerkeuze, FORMULIER],
    ) -> Template:
        admin = hub_admin(request)
        tenant = await _tenant(state, admin, tenant_id)
        gekozen = meerdere(data.organisaties)
        fout = ""
        try:
            ids = [uuid.UUID(o) for o in gekozen]
            async with state.engine.begin() as conn:
                # Only this hub's organisations can be chosen.
                eigen = await eigen_organisaties(conn, admin.hub_id, ids)
                if eigen != set(ids):
                    raise RegistryError("Onbekende organisatie gekozen.", "organisaties")
                await zet_deelnemers(conn, admin.hub_id, tenant.id, ids)
                await record(
                    conn,
                    "deelnemers_gewijzigd",
                    actor_user_id=admin.user_id,
                    target=tenant.slug,
                    details={"organisaties": sorted(map(str, ids))},
                    ip=admin.ip,
                )
        except ValueError:
            fout = "Onbekende organisatie gekozen."
        except RegistryError as exc:
            fout = exc.message
        context = await _gemeente_context(state, admin, tenant)
        context["deelnemer_fout"] = fout
        return render(
            request,
            "hub/gemeente.html",
            context,
            fragment="hub/_deelnemers.html",
            status_code=422 if fout else 200,
        )

    @post("/{tenant_id:uuid}/opschorten", name="hub-opschorten", status_code=303)
    async def opschorten(
        self, request: AnyRequest, state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        return await _overgang(request, state, tenant_id, "opgeschort")

    @post("/{tenant_id:uuid}/hervatten", name="hub-hervatten", status_code=303)
    async def hervatten(
        self, request: AnyRequest, state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        return await _overgang(request, state, tenant_id, "hervat")

    @post("/{tenant_id:uuid}/beeindigen", name="hub-beeindigen", status_code=303)
    async def beeindigen(
        self, request: AnyRequest, state: State, tenant_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        return await _overgang(request, state, tenant_id, "beeindigd")


async def _overgang(
    request: AnyRequest, state: State, tenant_id: uuid.UUID, actie: str
) -> Response[Any]:
    admin = hub_admin(request)
    tenant = await _tenant(state, admin, tenant_id)
    try:
        async with state.engine.begin() as conn:
            details: dict[str, Any] = {}
            if actie == "opgeschort":
                await lifecycle.schort_op(conn, tenant.id)
            elif actie == "hervat":
                await lifecycle.hervat(conn, tenant.id)
            else:
                vernietigen = await lifecycle.beeindig(
                    conn, tenant.id, state.settings, klok.vandaag()
                )
                details["vernietigen_op"] = vernietigen.isoformat()
            await record(
                conn,
                f"gemeente_{actie}",
                actor_user_id=admin.user_id,
                target=tenant.slug,
                details=details,
                ip=admin.ip,
            )
    except RegistryError as exc:
        context = await _gemeente_context(state, admin, tenant)
        context["status_fout"] = exc.message
        return render(request, "hub/gemeente.html", context, status_code=409)
    if actie == "beeindigd":
        await start_export(state, tenant.id)
    return Redirect(f"/hub/gemeenten/{tenant.id}", status_code=303)


async def _gemeente_context(state: State, admin: HubAdmin, tenant: Any) -> dict[str, Any]:
    async with state.engine.connect() as conn:
        stappen = await checklist.stappen(conn, tenant.id)
        organisaties = await actieve_organisaties(conn, admin.hub_id, DEELNEMER_TYPES)
        deelnemers = await casusoverleg.deelnemers(conn, tenant.id)
        gebruikers = await gebruikers_per_rol(conn, tenant.id)
        gereed = await checklist.gereed_voor_livegang(conn, tenant.id)
    from casushub.platform.migrate.revisions import tenant_head

    return {
        "tenant": tenant,
        "status": STATUS_LABELS.get(tenant.status, tenant.status),
        "schema_bij": tenant.schema_revision == tenant_head(),
        "stappen": stappen,
        "stap_status": STAP_STATUS,
        "stap_fouten": {},
        "waarden_stap": {},
        "organisaties": organisaties,
        "deelnemers": deelnemers,
        "gebruikers": {Role(r).value: n for r, n in gebruikers.items()},
        "gebruikers_totaal": sum(gebruikers.values()),
        "gereed": gereed,
        "overeenkomst_actief": verwerkersovereenkomst_actief(tenant, klok.vandaag()),
        "deelnemer_fout": "",
        "status_fout": "",
    }
