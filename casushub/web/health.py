"""Liveness and readiness probes for Kubernetes."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State

from casushub.platform.migrate.revisions import platform_head, platform_revision, servable_revision

__all__ = ["healthz", "readyz"]


@get("/healthz", sync_to_thread=False, include_in_schema=False)
def healthz() -> dict[str, str]:
    """The process is alive; says nothing about the database on purpose."""
    return {"status": "ok"}


@get("/readyz", include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, str]]:
    """Serve traffic only with a reachable database and the platform schema at (or, during a
    rolling upgrade, past) this code's head."""
    try:
        async with state.engine.connect() as conn:
            revision = await platform_revision(conn)
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return Response({"status": "database onbereikbaar"}, status_code=503)
    if not servable_revision(revision, platform_head()):
        return Response({"status": "platform-schema niet bijgewerkt"}, status_code=503)
    return Response({"status": "ok", "platform_revision": revision})
