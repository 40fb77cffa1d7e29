"""The one vocabulary in which a service says no, for the core and every tenant context.

Three kinds of refusal, each with a Dutch ``message`` fit for the user:

``RegelFout``
    The request breaks a rule of the Wet or of the process; the user can fix the input (the
    screen shows ``message`` next to ``field``). ``RegelFouten`` carries several at once.
``GeenToegang``
    The actor may not see or do this at all.
``NietGevonden``
    The object does not exist (for this actor, in this tenant).

Each context subclasses these (``VerzoekRegelFout``, ``RegistryError``, ``AccessDenied``…)
instead of declaring its own. The web layer maps them to HTTP once
(``casushub.web.errors``): 422, 403 and 404, a Dutch page for the screens and
``application/problem+json`` under ``/api``; a handler catches one only to do something of its
own (re-render its form with the input kept). Kept free of imports so every layer can use it.
"""

from __future__ import annotations

__all__ = ["DomeinFout", "GeenToegang", "NietGevonden", "RegelFout", "RegelFouten", "alle_fouten"]


class DomeinFout(Exception):
    """A refusal by the domain, with a Dutch ``message`` for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RegelFout(DomeinFout, ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RegelFouten(RegelFout):
    """Several rules broken at once (every missing field of a form), field -> message in form
    order: a screen lists them all in its error summary instead of one per attempt. The first
    one is also ``message``/``field``, so a caller that knows only ``RegelFout`` still works;
    ``str()`` names them all (for a log line or a job's failure)."""

    def __init__(self, fouten: dict[str, str]) -> None:
        eerste = next(iter(fouten.items()))
        super().__init__(eerste[1], eerste[0])
        self.args = ("; ".join(fouten.values()),)
        self.fouten = dict(fouten)


def alle_fouten(fout: RegelFout) -> dict[str, str]:
    """Every field -> message of a refusal (one for a plain ``RegelFout``)."""
    if isinstance(fout, RegelFouten):
        return dict(fout.fouten)
    return {fout.field or "": fout.message}


class GeenToegang(DomeinFout, PermissionError):
    def __init__(self, message: str = "U heeft geen toegang tot deze gegevens.") -> None:
        super().__init__(message)


class NietGevonden(DomeinFout, LookupError):
    def __init__(self, message: str = "Niet gevonden.") -> None:
        super().__init__(message)
