"""Statements over many rows at once: ``column = ANY(:ids)`` with one array parameter.

Set-based destruction (the retention sweep) deletes the rows of hundreds of records
per statement. An ``IN (...)`` list sends one bound parameter per id and asyncpg refuses more
than 32,767 of them; one ``uuid[]`` parameter has no such limit and keeps the statement text
the same whatever the number of ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Uuid, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

__all__ = ["id_in"]


def id_in(column: QueryableAttribute[Any], ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """``column = ANY($1::uuid[])`` for ``ids`` (an empty set matches nothing)."""
    return column == any_(bindparam(None, list(ids), type_=ARRAY(Uuid())))
