"""Screens for holds, retention, restrictions, exports and the hub's processor duties."""

from casushub.web.rechten.beeindiging import BeeindigingController
from casushub.web.rechten.bewaarplicht import bewaarplicht_handlers
from casushub.web.rechten.export import export_handlers
from casushub.web.rechten.inzage import inzage_handlers
from casushub.web.rechten.overdrachten import overdracht_handlers
from casushub.web.rechten.termijnen import termijn_handlers

__all__ = ["rechten_handlers"]

rechten_handlers = [
    *bewaarplicht_handlers,
    *inzage_handlers,
    *termijn_handlers,
    *export_handlers,
    *overdracht_handlers,
    BeeindigingController,
]
