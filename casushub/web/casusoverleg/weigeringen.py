"""Domain refusals (``GeenToegang``, ``NietGevonden``) inside a handler become HTTP errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.web.casusoverleg.context import weigering

__all__ = ["als_http"]


@asynccontextmanager
async def als_http() -> AsyncIterator[None]:
    """Wraps a handler's service calls: a refusal leaves as ``weigering(exc)`` (403/404 with
    its Dutch message), chained to the domain exception, for the refusal log to record.

    Also for the fragment re-render in an ``except RegelFout`` block: a refusal raised there
    would escape a sibling ``except`` clause (a form posted for a casus of another
    municipality fails its rule check first, then its read)."""
    try:
        yield
    except (GeenToegang, NietGevonden) as exc:
        raise weigering(exc) from exc
