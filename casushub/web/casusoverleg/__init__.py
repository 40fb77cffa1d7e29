"""Screens of the casusoverleg: dashboard, casus page with logged fragments, signal form,
search and the invited party's view. Controllers parse input and call one service each."""

from casushub.web.casusoverleg.controllers import casusoverleg_handlers

__all__ = ["casusoverleg_handlers"]
