"""The two ways a casusoverleg service says no, shared by every workflow context.

``RegelFout``: the request breaks a rule of the Wet or of the process (the user can fix the
input; the web layer shows ``message`` next to ``field``). ``GeenToegang``: the actor may not
see or do this at all (403). Kept free of imports so every context can use it.
"""

from __future__ import annotations

__all__ = ["GeenToegang", "NietGevonden", "RegelFout"]


class RegelFout(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class GeenToegang(PermissionError):
    def __init__(self, message: str = "U heeft geen toegang tot deze gegevens.") -> None:
        super().__init__(message)
        self.message = message


class NietGevonden(LookupError):
    def __init__(self, message: str = "Niet gevonden.") -> None:
        super().__init__(message)
        self.message = message
