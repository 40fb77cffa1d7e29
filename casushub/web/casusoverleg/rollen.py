"""The role groups the casusoverleg screens open to (the guards' ``roles(*…)``)."""

from __future__ import annotations

from casushub.platform.identity.roles import Role

__all__ = ["ALLEN", "REGIE", "WERKERS"]

# The regie of the municipality: the gemeente and the procesregisseur it appointed.
REGIE = (Role.GEMEENTE_REGIE, Role.PROCESREGISSEUR)
# Everyone who works on a casus: the regie and the participating organisations.
WERKERS = (*REGIE, Role.PARTICIPANT)
# And the third party invited for one meeting.
ALLEN = (*WERKERS, Role.INVITED_PARTY)
