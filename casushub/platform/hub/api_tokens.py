"""API tokens for the admin API: shown once, stored as a SHA-256 hash, scoped to one hub.

A token has high entropy (256 bits), so a plain SHA-256 is enough to store it safely; a slow
password hash would only slow every API call.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from casushub.platform.hub.models import ApiToken
from casushub.platform.registry import RegistryError

__all__ = ["TOKEN_PREFIX", "TokenScope", "maak_token", "tokens_van_hub", "trek_in", "verifieer"]

TOKEN_PREFIX = "chub_"  # noqa: S105 - a recognisable prefix (secret scanners), not a secret


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def maak_token(
    conn: AsyncConnection,
    hub_id: uuid.UUID,
    naam: str,
    geldig_dagen: int,
    door: uuid.UUID | None,
) -> tuple[uuid.UUID, str]:
    """Create a token; the plain value is returned here and never again."""
    naam = naam.strip()
    if not naam or len(naam) > 100:
        msg = "Geef het token een naam (hooguit 100 tekens), bijvoorbeeld ‘koppeling IAM’."
        raise RegistryError(msg, "naam")
    if not 1 <= geldig_dagen <= 366:
        msg = "Een token is 1 tot 366 dagen geldig."
        raise RegistryError(msg, "geldig_dagen")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = (
        await conn.execute(
            insert(ApiToken)
            .values(
                hub_id=hub_id,
                naam=naam,
                prefix=token[:12],
                token_hash=_hash(token),
                aangemaakt_door=door,
                verloopt_op=datetime.now(UTC) + timedelta(days=geldig_dagen),
            )
            .returning(ApiToken.id)
        )
    ).scalar_one()
    return token_id, token


async def tokens_van_hub(conn: AsyncConnection, hub_id: uuid.UUID) -> list[Any]:
    """The hub's tokens (whole rows: never the token itself, only its hash), newest first."""
    rows = await conn.execute(
        select(ApiToken).where(ApiToken.hub_id == hub_id).order_by(ApiToken.created_at.desc())
    )
    return list(rows.all())


@dataclass(frozen=True)
class TokenScope:
    token_id: uuid.UUID
    hub_id: uuid.UUID


async def verifieer(conn: AsyncConnection, token: str) -> TokenScope | None:
    """The hub a valid, unexpired, unrevoked token belongs to; ``None`` otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    now = datetime.now(UTC)
    row = (
        await conn.execute(
            select(ApiToken.id, ApiToken.hub_id).where(
                ApiToken.token_hash == _hash(token),
                ApiToken.ingetrokken_op.is_(None),
                ApiToken.verloopt_op > now,
            )
        )
    ).first()
    if row is None:
        return None
    await conn.execute(update(ApiToken).where(ApiToken.id == row.id).values(laatst_gebruikt_op=now))
    return TokenScope(row.id, row.hub_id)


async def trek_in(conn: AsyncConnection, hub_id: uuid.UUID, token_id: uuid.UUID) -> None:
    result = await conn.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id, ApiToken.hub_id == hub_id, ApiToken.ingetrokken_op.is_(None)
        )
        .values(ingetrokken_op=datetime.now(UTC))
    )
    if result.rowcount != 1:
        msg = "Onbekend of al ingetrokken token."
        raise RegistryError(msg, "token")
