"""The refusals of the casusoverleg services: the shared vocabulary of
``casushub.platform.fouten``, under the name every tenant context has imported it by."""

from __future__ import annotations

from casushub.platform.fouten import GeenToegang, NietGevonden, RegelFout, RegelFouten, alle_fouten

__all__ = ["GeenToegang", "NietGevonden", "RegelFout", "RegelFouten", "alle_fouten"]
