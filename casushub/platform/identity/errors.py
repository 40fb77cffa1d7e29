"""Why a sign-in was refused: a reason code for the audit log, a Dutch message for people."""

from __future__ import annotations

import uuid

__all__ = ["LoginRefused", "ProviderUnavailable"]


class LoginRefused(Exception):
    """The sign-in must not go on. ``reason`` is logged; the user sees only ``message``."""

    def __init__(
        self, reason: str, message: str | None = None, *, organisation_id: uuid.UUID | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        # For the audit entry, when the refusal already knows whose sign-in it was.
        self.organisation_id = organisation_id
        self.message = message or (
            "Het inloggen is niet gelukt. Probeer het opnieuw; blijft het misgaan, neem dan "
            "contact op met de beheerder van uw organisatie."
        )


class ProviderUnavailable(Exception):
    """The organisation's identity provider did not answer (in time) or answered nonsense."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = (
            "De inlogdienst van uw organisatie is op dit moment niet bereikbaar. Probeer het "
            "over enkele minuten opnieuw."
        )
