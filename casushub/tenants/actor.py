"""Who is acting: every service that touches personal data takes one (for the access log)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

__all__ = ["Actor"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user in their active context, or a system job.

    ``role`` is the membership role the user acts in (e.g. ``gemeente_regie``); jobs act as
    ``systeem`` with the job's name in ``request_id``. ``organisation_type`` is the type of
    the organisation of that context (``politie``, ``reclassering``…): which participants
    weigh signals depends on it, and an unknown type (``None``) counts as none of them.
    """

    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    role: str
    request_id: str | None = None
    organisation_type: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(user_id=None, organisation_id=None, role="systeem", request_id=job)
