"""What the rights screens check the same way: a required reason with a maximum length, and a
required date."""

from __future__ import annotations

from datetime import date

from casushub.platform.fouten import RegelFouten
from casushub.web.formulieren import datumveld

__all__ = ["datum_verplicht", "reden_verplicht"]


def reden_verplicht(reden: str, ontbreekt: str, maximum: int) -> str | None:
    """The message for a reason that is missing (``ontbreekt``) or too long, else None."""
    if not reden.strip():
        return ontbreekt
    if len(reden) > maximum:
        return f"Houd de reden korter dan {maximum} tekens."
    return None


def datum_verplicht(waarde: str, veld: str, ontbreekt: str) -> date:
    """A required date as people type it; a ``RegelFouten`` on ``veld`` when it is not one."""
    dag = datumveld(waarde, veld)
    if dag is None:
        raise RegelFouten({veld: ontbreekt})
    return dag
