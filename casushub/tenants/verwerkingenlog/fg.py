"""The FG's and auditor's questions: "wie heeft casus N gezien", "wat heeft gebruiker U gezien".

Both answer from one index each (``ix_verwerking_casus_id``, ``ix_verwerking_user_id``: the
question's id, then the answer's grouping columns, so PostgreSQL reads one key range of the
index only, already in group order); ``bench/verwerkingenlog.py``
times them on a tenant with a million entries. Reading the log is itself a processing and is
logged (gegevensgroep ``verwerkingenlog``): the log holds ids, but who looked at whose trail
is exactly what rule 6 wants on record.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking
from casushub.tenants.verwerkingenlog.services import record

__all__ = [
    "GEGEVENSGROEP",
    "Inzage",
    "Kijker",
    "entries",
    "seen_by_user",
    "seen_by_user_query",
    "viewers_of_casus",
    "viewers_of_casus_query",
]

GEGEVENSGROEP = "verwerkingenlog"
# A grouped answer's statement, exposed so the benchmark can EXPLAIN exactly what runs.
Query = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Kijker:
    """One user (in one organisation and role) who processed a casus, over the period."""

    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    rol: str
    acties: tuple[str, ...]
    aantal: int
    eerste: datetime
    laatste: datetime


@dataclass(frozen=True)
class Inzage:
    """What one user processed of one casus/person and data group, over the period."""

    casus_id: uuid.UUID | None
    persoon_id: uuid.UUID | None
    gegevensgroep: str
    acties: tuple[str, ...]
    aantal: int
    eerste: datetime
    laatste: datetime


_Groep = TypeVar("_Groep", Kijker, Inzage)


def _period(van: datetime | None, tot: datetime | None) -> list[ColumnElement[bool]]:
    conditions = []
    if van is not None:
        conditions.append(Verwerking.tijdstip >= van)
    if tot is not None:
        conditions.append(Verwerking.tijdstip < tot)
    return conditions


def _grouped(keys: list[Any], where: list[ColumnElement[bool]]) -> Query:
    """Per ``keys``: the actions, how many, first and last time, newest first.

    The matching index starts with the question's id and then ``keys``, so the rows arrive
    in group order and the aggregate streams (see revision t0003).
    """
    laatste = func.max(Verwerking.tijdstip)
    return (
        select(
            *keys,
            func.array_agg(func.distinct(Verwerking.actie)).label("acties"),
            func.count().label("aantal"),
            func.min(Verwerking.tijdstip).label("eerste"),
            laatste.label("laatste"),
        )
        .where(*where)
        .group_by(*keys)
        .order_by(laatste.desc())
    )


def _per_groep(soort: type[_Groep], rows: Sequence[Row[Any]]) -> list[_Groep]:
    """Each row of a :func:`_grouped` answer as ``soort``: its fields are the row's labels."""
    return [soort(**{**row._asdict(), "acties": tuple(sorted(row.acties))}) for row in rows]


def viewers_of_casus_query(
    casus_id: uuid.UUID, van: datetime | None = None, tot: datetime | None = None
) -> Query:
    return _grouped(
        [Verwerking.user_id, Verwerking.organisation_id, Verwerking.rol],
        [Verwerking.casus_id == casus_id, *_period(van, tot)],
    )


def seen_by_user_query(
    user_id: uuid.UUID, van: datetime | None = None, tot: datetime | None = None
) -> Query:
    return _grouped(
        [Verwerking.casus_id, Verwerking.persoon_id, Verwerking.gegevensgroep],
        [Verwerking.user_id == user_id, *_period(van, tot)],
    )


async def viewers_of_casus(
    session: AsyncSession,
    actor: Actor,
    casus_id: uuid.UUID,
    *,
    van: datetime | None = None,
    tot: datetime | None = None,
    doel: str = "toezicht functionaris gegevensbescherming",
) -> list[Kijker]:
    """Wie heeft casus ``casus_id`` verwerkt in [van, tot), per gebruiker, rol en organisatie."""
    rows = (await session.execute(viewers_of_casus_query(casus_id, van, tot))).all()
    await record(
        session, actor, actie=Actie.READ, gegevensgroep=GEGEVENSGROEP, doel=doel, casus_id=casus_id
    )
    return _per_groep(Kijker, rows)


async def seen_by_user(
    session: AsyncSession,
    actor: Actor,
    user_id: uuid.UUID,
    *,
    van: datetime | None = None,
    tot: datetime | None = None,
    doel: str = "toezicht functionaris gegevensbescherming",
) -> list[Inzage]:
    """Wat heeft gebruiker ``user_id`` verwerkt in [van, tot), per casus, persoon en groep."""
    rows = (await session.execute(seen_by_user_query(user_id, van, tot))).all()
    await record(
        session,
        actor,
        actie=Actie.READ,
        gegevensgroep=GEGEVENSGROEP,
        doel=doel,
        detail=f"gebruiker:{user_id}",
    )
    return _per_groep(Inzage, rows)


async def entries(
    session: AsyncSession,
    *,
    casus_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    van: datetime | None = None,
    tot: datetime | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[Verwerking]:
    """The individual entries behind an answer, newest first, a page at a time.

    ``before`` is the smallest volgnummer of the previous page (keyset paging: a deep page
    costs the same as the first).
    """
    query = select(Verwerking)
    if casus_id is not None:
        query = query.where(Verwerking.casus_id == casus_id)
    if user_id is not None:
        query = query.where(Verwerking.user_id == user_id)
    query = query.where(*_period(van, tot))
    if before is not None:
        query = query.where(Verwerking.volgnummer < before)
    query = query.order_by(Verwerking.volgnummer.desc()).limit(max(1, min(limit, 1000)))
    return list((await session.execute(query)).scalars())
