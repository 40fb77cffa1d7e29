"""Writing the access log, in the same transaction as the processing it records."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Insert,
    String,
    bindparam,
    column,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.ids import new_id_text
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie, Verwerking

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.types import TypeEngine

__all__ = [
    "ENTRY_FIELDS",
    "GENESIS",
    "Regel",
    "entry_hash",
    "field_text",
    "record",
    "record_many",
    "search_term_detail",
]

GENESIS = "0" * 64
_CHAIN_FIELDS = (
    "volgnummer",
    "tijdstip",
    "user_id",
    "organisation_id",
    "rol",
    "casus_id",
    "persoon_id",
    "gegevensgroep",
    "actie",
    "doel",
    "request_id",
    "detail",
    "vorige_hash",
)
# Every stored field of an entry, in chain order: what verification reads and exports show.
ENTRY_FIELDS = (*_CHAIN_FIELDS, "hash")


def entry_hash(entry: Any) -> str:
    """SHA-256 over every field of the entry and its predecessor's hash.

    ``entry`` is a ``Verwerking`` or any row with the same attribute names (verification and
    the benchmark's bulk load hash plain rows). Times are hashed in UTC, so the value does not
    depend on the session's time zone when the row is read back.
    """
    return _digest([field_text(getattr(entry, name)) for name in _CHAIN_FIELDS])


def field_text(value: Any) -> str:
    """A field as it is hashed (and as the CSV export shows it, so the hashes can be
    recomputed from an export)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def _digest(texts: Sequence[str]) -> str:
    """The hash of an entry's field texts, given in ``_CHAIN_FIELDS`` order."""
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()


def search_term_detail(term: str, key: bytes) -> str:
    """What a search logs: the fact and a keyed hash of the term, never the term itself.

    A search term is often a name; a plain hash of a name is easy to reverse by guessing, an
    HMAC under the installation's secret is not, yet equal terms still give equal values (so
    the FG can see that the same person was looked up twice).
    """
    digest = hmac.new(key, term.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"zoekterm:hmac-sha256:{digest[:32]}"


# session.info: (transaction, volgnummer, hash) of the last append through this session.
_KETEN_EIND = "verwerkingenlog_eind"


def _binnenste_transactie(session: AsyncSession) -> object:
    sync = session.sync_session
    return sync.get_nested_transaction() or sync.get_transaction()


def _lock_key(tenant_id: uuid.UUID) -> int:
    return int.from_bytes(tenant_id.bytes[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Regel:
    """One entry for :func:`record_many`: what was processed, about whom."""

    actie: Actie
    gegevensgroep: str
    doel: str
    casus_id: uuid.UUID | None = None
    persoon_id: uuid.UUID | None = None
    detail: str | None = None


async def record(
    session: AsyncSession,
    actor: Actor,
    actie: Actie,
    gegevensgroep: str,
    doel: str,
    *,
    casus_id: uuid.UUID | None = None,
    persoon_id: uuid.UUID | None = None,
    detail: str | None = None,
) -> None:
    """Append one entry; commits with the caller's transaction or not at all."""
    await record_many(
        session, actor, [Regel(actie, gegevensgroep, doel, casus_id, persoon_id, detail)]
    )


async def record_many(session: AsyncSession, actor: Actor, regels: Sequence[Regel]) -> None:
    """Append one entry per ``regel``, in order, in the caller's transaction.

    A list screen logs every row it shows: taking the lock and reading the chain's end once,
    and sending the entries as one INSERT, keeps that at three round trips however long the
    list is, with the same entries and chain as one ``record`` call per row; a further append
    in the same transaction is one round trip (the INSERT). The
    entries go in as plain rows in one JSON parameter, not as ORM objects: nothing reads them
    back in the same unit of work, and building and flushing an object per row cost more than
    the INSERT itself.
    """
    tenant = session_tenant(session)
    if tenant is None:
        msg = "het verwerkingenlog kan alleen in een tenant-sessie worden geschreven"
        raise RuntimeError(msg)
    if not regels:
        return
    # Keyed by the innermost transaction (a savepoint's own), so that a savepoint rolled back
    # or released never leaves a stale end behind: the next append is then in another one.
    eind = session.info.get(_KETEN_EIND)
    if eind is not None and eind[0] is _binnenste_transactie(session):
        # This transaction appended last and holds the lock: the end is what it wrote.
        volgnummer, vorige = eind[1], eind[2]
    else:
        # Appends are serialised per tenant so the chain has one order; the lock ends with
        # the transaction. The chain's end is read in a statement of its own, after the lock:
        # a statement that locked and read at once would read with a snapshot from before it.
        await session.execute(_LOCK, {"key": _lock_key(tenant.id)})
        last = (await session.execute(_LAST)).first()
        volgnummer, vorige = (last.volgnummer, last.hash) if last else (0, GENESIS)
    # Each field is rendered once as the text it is hashed as and sent as that text, so what
    # is stored is what was hashed. The actor's fields and the time are the same for every
    # entry of one call: rendered once and sent once, beside the rows.
    tijdstip = field_text(datetime.now(UTC))
    user_id, organisation_id = field_text(actor.user_id), field_text(actor.organisation_id)
    rol, request_id = actor.role, field_text(actor.request_id)
    rows = []
    for regel in regels:
        volgnummer += 1
        casus_id, persoon_id = field_text(regel.casus_id), field_text(regel.persoon_id)
        detail = field_text(regel.detail)
        texts = (  # in _CHAIN_FIELDS order, as entry_hash reads a stored row
            str(volgnummer),
            tijdstip,
            user_id,
            organisation_id,
            rol,
            casus_id,
            persoon_id,
            regel.gegevensgroep,
            regel.actie.value,
            regel.doel,
            request_id,
            detail,
            vorige,
        )
        entry = _digest(texts)
        # An absent value is hashed as the empty text and stored as NULL.
        rows.append(
            {
                "id": new_id_text(),
                "volgnummer": volgnummer,
                "casus_id": casus_id or None,
                "persoon_id": persoon_id or None,
                "gegevensgroep": regel.gegevensgroep or None,
                "actie": regel.actie.value or None,
                "doel": regel.doel or None,
                "detail": detail or None,
                "vorige_hash": vorige,
                "hash": entry,
            }
        )
        vorige = entry
    shared = {
        "tijdstip": tijdstip,
        "user_id": user_id or None,
        "organisation_id": organisation_id or None,
        "rol": rol or None,
        "request_id": request_id or None,
    }
    await session.execute(_INSERT, {"rows": rows, **shared})
    session.info[_KETEN_EIND] = (_binnenste_transactie(session), volgnummer, vorige)


# What differs per entry goes in the rows' JSON; what one call's entries share, once.
_ROW_COLUMNS = (
    "id",
    "volgnummer",
    "casus_id",
    "persoon_id",
    "gegevensgroep",
    "actie",
    "doel",
    "detail",
    "vorige_hash",
    "hash",
)
_SHARED_COLUMNS = ("tijdstip", "user_id", "organisation_id", "rol", "request_id")


def _shared(name: str, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    """A shared field sent as text; cast unless its column is text. An explicit cast to
    ``varchar(n)`` would cut a longer value short (stored no longer equal to what was hashed);
    the INSERT's own assignment refuses it instead."""
    text = bindparam(name, type_=String)
    return text if isinstance(type_, String) else text.cast(type_)


def _insert() -> Insert:
    """``INSERT … SELECT r.…, $2, … FROM jsonb_to_recordset($1) AS r(id uuid, …)``.

    The statement text is the same for one entry or a hundred, so PostgreSQL plans it once per
    connection and tenant; a multi-row ``VALUES`` list would be a new statement (and a new
    plan) for every length of list shown. One JSON text also costs the driver less than an
    array per column, whose every element it type-checks; the fields every entry of a call
    shares (actor, time, request) are sent once as text and cast, not repeated in each row.
    """
    table = cast("Table", Verwerking.__table__)
    source = (
        func.jsonb_to_recordset(bindparam("rows", type_=JSONB))
        .table_valued(*(column(name, table.c[name].type) for name in _ROW_COLUMNS))
        .render_derived(with_types=True)
    )
    values = [
        *(source.c[name] for name in _ROW_COLUMNS),
        *(_shared(name, table.c[name].type) for name in _SHARED_COLUMNS),
    ]
    # On the table, not the mapped class: with a parameter dict the ORM would take an ORM
    # insert for a bulk insert of those parameters.
    return insert(table).from_select([*_ROW_COLUMNS, *_SHARED_COLUMNS], select(*values))


# Built once (every logged request sends these three).
_LOCK = select(func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger)))
_LAST = (
    select(Verwerking.volgnummer, Verwerking.hash).order_by(Verwerking.volgnummer.desc()).limit(1)
)
_INSERT = _insert()
