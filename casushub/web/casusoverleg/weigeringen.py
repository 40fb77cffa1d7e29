"""Domain refusals raised while re-rendering a form after a rule error become HTTP errors too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from casushub.tenants.casus.errors import GeenToegang, NietGevonden
from casushub.web.casusoverleg.context import weigering

__all__ = ["als_http"]


@asynccontextmanager
async def als_http() -> AsyncIterator[None]:
    """For the fragment re-render in an ``except RegelFout`` block: an exception raised there
    escapes the sibling ``except (GeenToegang, NietGevonden)`` clause (a form posted for a
    casus of another municipality fails its rule check first, then its read)."""
    try:
        yield
    except (GeenToegang, NietGevonden) as exc:
        raise weigering(exc) from exc
