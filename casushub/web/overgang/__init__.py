"""Screens of the overgangsvoorraad (import of convenant-era cases) and the figures."""

from casushub.web.overgang.cijfers import cijfer_handlers
from casushub.web.overgang.controllers import overgang_handlers
from casushub.web.overgang.hub import hub_overgang_handlers

__all__ = ["cijfer_handlers", "hub_overgang_handlers", "overgang_handlers"]
