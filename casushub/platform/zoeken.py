"""Searching text columns for a fragment the user typed.

Every search by part of a text goes through ``bevat``: ``%`` and ``_`` in the user's text are
LIKE wildcards, and unescaped a search for ``%`` would list every row (every person of the
municipality). SQLAlchemy's ``icontains(..., autoescape=True)`` escapes them (and the escape
character itself), so the text is searched for literally, case-insensitively.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import SQLCoreOperations

__all__ = ["bevat"]


def bevat(kolom: SQLCoreOperations[Any], tekst: str) -> ColumnElement[bool]:
    """``kolom`` contains ``tekst`` literally, ignoring case."""
    return kolom.icontains(tekst, autoescape=True)
