"""Benchmark only: the app with one more page, the 50 newest casussen of the tenant as JSON.

The page the peer's benchmark serves (a tenant's 50 newest rows as JSON), but through this
app's whole stack: the server-side session, the identity and tenant gate, the tenant's role
and search path, the need-to-know check of the regie and one access-log entry per casus shown.
``bench/web.py`` serves this factory as "the app"; the floor (``bench/floorapp.py``) serves the
same SQL at the same path. The application itself has no such page: nothing outside
``bench/`` imports this.

    uvicorn --factory json_app:create_app   (with bench/ on the path)
"""

from __future__ import annotations

from typing import Any

import benchdb  # noqa: F401 - puts the project root on sys.path
from litestar import Litestar, get
from litestar.di import NamedDependency
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.identity.roles import Role
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import Casus
from casushub.tenants.casus.toegang import is_regie
from casushub.tenants.personen.models import Persoon
from casushub.tenants.verwerkingenlog.models import Actie
from casushub.tenants.verwerkingenlog.services import Regel, record_many
from casushub.web import app as web_app
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.deps import DEPS

__all__ = ["PATH", "create_app"]

PATH = "/casussen.json"
_NIEUWSTE = (
    select(
        Casus.id,
        Casus.persoon_id,
        func.coalesce(Persoon.naam, "").label("naam"),
        Casus.status,
        Casus.intake_datum,
    )
    .outerjoin(Persoon, Persoon.id == Casus.persoon_id)
    .order_by(Casus.intake_datum.desc(), Casus.id)
    .limit(50)
)


@get(PATH, opt=roles(Role.GEMEENTE_REGIE), dependencies=DEPS, sync_to_thread=False)
async def nieuwste_casussen(
    db: NamedDependency[AsyncSession], actor: NamedDependency[Actor]
) -> list[dict[str, Any]]:
    if not is_regie(actor):  # the regie sees every casus of its municipality
        return []
    async with db.begin():
        rows = (await db.execute(_NIEUWSTE)).all()
        await record_many(
            db,
            actor,
            [
                Regel(Actie.READ, "casus", "overzicht", casus_id=r.id, persoon_id=r.persoon_id)
                for r in rows
            ],
        )
    return [
        {"id": str(r.id), "naam": r.naam, "status": str(r.status), "intake": str(r.intake_datum)}
        for r in rows
    ]


def create_app(app: Litestar | None = None) -> Litestar:
    app = app or web_app.create_app()
    app.register(nieuwste_casussen)
    return app
