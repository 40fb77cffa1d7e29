"""Screens of the FG / auditor (access log) and the regie's retention dry run."""

from casushub.web.fg.controllers import fg_handlers

__all__ = ["fg_handlers"]
