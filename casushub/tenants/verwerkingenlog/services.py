"""Writing the access log, in the same transaction as the processing it records."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from casushub.platform.ids import new_id
from casushub.platform.tenancy import session_tenant
from casushub.tenants.actor import Actor
from casushub.tenants.verwerkingenlog.models import Actie

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
    depend on the session's time zone when the row is read back. The database's append
    function (platform migration p0008) computes the same hash from the same texts.
    """
    text = "\x1f".join([field_text(getattr(entry, name)) for name in _CHAIN_FIELDS])
    return hashlib.sha256(text.encode()).hexdigest()


def field_text(value: Any) -> str:
    """A field as it is hashed: as :func:`record_many` sends it to be hashed and stored, and
    as the CSV export shows it, so the hashes can be recomputed from an export."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def search_term_detail(term: str, key: bytes) -> str:
    """What a search logs: the fact and a keyed hash of the term, never the term itself.

    A search term is often a name; a plain hash of a name is easy to reverse by guessing, an
    HMAC under the installation's secret is not, yet equal terms still give equal values (so
    the FG can see that the same person was looked up twice).
    """
    digest = hmac.new(key, term.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"zoekterm:hmac-sha256:{digest[:32]}"


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
    *,
    actie: Actie,
    gegevensgroep: str,
    doel: str,
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

    A list screen logs every row it shows: one call of ``verwerkingenlog.aanvullen`` (platform
    migration p0008) with every entry in one JSON parameter keeps that at one round trip
    however long the list is (issue 11), with the same entries and chain as one ``record``
    call per row. Nothing reads the entries back in the same unit of work, so no ORM objects
    are built for them.
    """
    tenant = session_tenant(session)
    if tenant is None:
        msg = "het verwerkingenlog kan alleen in een tenant-sessie worden geschreven"
        raise RuntimeError(msg)
    if not regels:
        return
    # Each field goes as the text it is hashed as (the shared ones rendered once); the
    # function numbers and hashes the entries, so what is stored is what was hashed.
    shared = {
        "tijdstip": field_text(datetime.now(UTC)),
        "user_id": field_text(actor.user_id),
        "organisation_id": field_text(actor.organisation_id),
        "rol": actor.role,
        "request_id": field_text(actor.request_id),
    }
    rows = [
        {
            **shared,
            "id": str(new_id()),
            "casus_id": field_text(regel.casus_id),
            "persoon_id": field_text(regel.persoon_id),
            "gegevensgroep": regel.gegevensgroep,
            "actie": regel.actie.value,
            "doel": regel.doel,
            "detail": field_text(regel.detail),
        }
        for regel in regels
    ]
    # The function takes the tenant's advisory lock, so appends are serialised per tenant and
    # the chain has one order (the lock ends with the transaction); it reads the chain's end
    # after the lock, then numbers, hashes and inserts the entries in order. The schema is the
    # session's own tenant, never input; the function runs with the tenant role's rights.
    params = {"schema": tenant.schema, "sleutel": _lock_key(tenant.id), "rijen": rows}
    await session.execute(_APPEND, params)


# Built once: every logged request sends it (issue 11). One text for all tenants, so it stays
# prepared (casushub.platform.prepared_statements).
_APPEND = select(
    func.verwerkingenlog.aanvullen(
        bindparam("schema", type_=String),
        bindparam("sleutel", type_=BigInteger),
        bindparam("rijen", type_=JSONB),
    )
)
