"""Who is acting: every service that touches personal data takes one (for the access log)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

__all__ = ["Actor"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user in their active context, or a system job.

    ``role`` is the membership role the user acts in (e.g. ``gemeente_regie``); jobs act as
    ``systeem`` with the job's name in ``request_id``.
    """

    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    role: str
    request_id: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(user_id=None, organisation_id=None, role="systeem", request_id=job)
