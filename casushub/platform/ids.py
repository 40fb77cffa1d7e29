"""Primary keys: UUID version 7 (time-ordered, generated in the application).

UUIDs instead of sequences keep every tenant schema free of shared counters, which is what
Citus schema-based sharding needs (docs/design.md §3, scale-out path).
"""

from __future__ import annotations

import uuid

import uuid_utils

__all__ = ["new_id", "new_id_text"]


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def new_id_text() -> str:
    """A new id as its text, for rows sent as text (the access log's JSON rows): the same
    UUIDv7 without building a ``uuid.UUID`` only to print it."""
    return str(uuid_utils.uuid7())
