"""Screens of the casusoverleg: dashboard, casus page with logged fragments, signal form,
search and the invited party's view. Controllers parse input and call one service each."""

from litestar.types import ControllerRouterHandler

from casushub.web.casusoverleg.aanwezigheid import aanwezigheid_handlers
from casushub.web.casusoverleg.afdrukken import afdruk_handlers
from casushub.web.casusoverleg.bijlagen import bijlage_handlers
from casushub.web.casusoverleg.controllers import casusoverleg_handlers as _schermen
from casushub.web.casusoverleg.inbrengen import inbreng_handlers
from casushub.web.casusoverleg.maatregelen import MaatregelController

__all__ = ["casusoverleg_handlers"]

casusoverleg_handlers: list[ControllerRouterHandler] = [
    *_schermen,
    *aanwezigheid_handlers,
    *afdruk_handlers,
    *bijlage_handlers,
    *inbreng_handlers,
    MaatregelController,
]
