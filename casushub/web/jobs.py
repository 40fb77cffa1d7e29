"""The htmx fragment that shows a background job's progress (``jobs/voortgang.html``).

A screen that starts long work includes ``jobs/voortgang.html``; the fragment polls this
route, which returns the inner content, and answers 286 when the job has finished so htmx
stops polling. Job rows hold no personal data; a job that belongs to a municipality is shown
only in that municipality's active context, a hub's job only in that hub's context.
"""

from __future__ import annotations

import uuid

from litestar import Request, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from casushub.platform.identity.access import Identity
from casushub.platform.jobs import JobView, get_job
from casushub.web.tenancy import ACTIVE_TENANT_KEY

__all__ = ["JOB_LABELS", "job_context", "job_progress"]

# Dutch names of the jobs users can watch; unknown kinds get a neutral label.
JOB_LABELS = {
    "tenants.provision": "Gemeente aanmaken",
    "tenants.migrate_all": "Gemeenteschema's bijwerken",
    "overgang.import": "Zaken uit het convenant inlezen",
}
STOP_POLLING = 286  # htmx: stop the `every` trigger, still swap the content


def job_context(job: JobView) -> dict[str, object]:
    return {"job": job, "job_label": JOB_LABELS.get(job.kind, "Achtergrondtaak")}


@get("/jobs/{job_id:uuid}", name="job_progress")
async def job_progress(
    request: Request[object, object, State], state: State, job_id: FromPath[uuid.UUID]
) -> Template:
    job = await get_job(state.engine, job_id)
    if job is None:
        raise NotFoundException
    if job.tenant_id is not None:
        active = request.session.get(ACTIVE_TENANT_KEY) if request.session else None
        if str(active) != str(job.tenant_id):
            raise NotFoundException  # another municipality's job does not exist here
    elif (hub_id := job.params.get("hub_id")) is not None:
        # A hub's job (onboarding a municipality) only for that hub's staff.
        identity = request.scope.get("user")
        context = identity.active if isinstance(identity, Identity) else None
        if context is None or str(context.hub_id) != str(hub_id):
            raise NotFoundException
    return Template(
        "jobs/_inhoud.html",
        context=job_context(job),
        status_code=STOP_POLLING if job.finished else 200,
    )
