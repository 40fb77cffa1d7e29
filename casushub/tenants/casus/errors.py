"""The two ways a casusoverleg service says no, shared by every workflow context.

``RegelFout``: the request breaks a rule of the Wet or of the process (the user can fix the
input; the web layer shows ``message`` next to ``field``). ``GeenToegang``: the actor may not
see or do this at all (403). Kept free of imports so every context can use it.
"""

from __future__ import annotations

__all__ = ["GeenToegang", "NietGevonden", "RegelFout", "RegelFouten", "alle_fouten"]


class RegelFout(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RegelFouten(RegelFout):
    """Several rules broken at once (every missing field of a form), field -> message in form
    order: a screen lists them all in its error summary instead of one per attempt. The first
    one is also ``message``/``field``, so a caller that knows only ``RegelFout`` still works."""

    def __init__(self, fouten: dict[str, str]) -> None:
        eerste = next(iter(fouten.items()))
        super().__init__(eerste[1], eerste[0])
        self.fouten = dict(fouten)


def alle_fouten(fout: RegelFout) -> dict[str, str]:
    """Every field -> message of a refusal (one for a plain ``RegelFout``)."""
    if isinstance(fout, RegelFouten):
        return dict(fout.fouten)
    return {fout.field or "": fout.message}


class GeenToegang(PermissionError):
    def __init__(self, message: str = "U heeft geen toegang tot deze gegevens.") -> None:
        super().__init__(message)
        self.message = message


class NietGevonden(LookupError):
    def __init__(self, message: str = "Niet gevonden.") -> None:
        super().__init__(message)
        self.message = message
