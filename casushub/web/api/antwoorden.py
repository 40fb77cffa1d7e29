"""What the admin API answers: every response body it sends is one of the dataclasses below,
errors included (``application/problem+json``, RFC 9457, see ``casushub.web.errors``), so a
client generated from the OpenAPI schema can read each answer, and schemathesis can hold the
API to it (tests/security/test_api_fuzz.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from litestar.openapi.datastructures import ResponseSpec

__all__ = [
    "PROBLEM_JSON",
    "Aanmelding",
    "ClaimkoppelingWeergave",
    "Gebruiker",
    "GebruikerRol",
    "Gemeente",
    "InlogdienstWeergave",
    "Organisatie",
    "Probleem",
    "Taak",
    "Uitgenodigd",
    "Uitgeschakeld",
    "probleem_antwoorden",
]


PROBLEM_JSON = "application/problem+json"


@dataclass
class Probleem:
    """An error (RFC 9457). ``fouten`` names the fields a 422 refused, with the Dutch reason."""

    type: str
    title: str
    status: int
    detail: str
    fouten: dict[str, str] | None = None


@dataclass
class Gemeente:
    id: uuid.UUID
    slug: str
    naam: str
    gemeentecode: str
    status: str
    status_label: str
    schema_revision: str | None
    verwerkersovereenkomst: str


@dataclass
class Aanmelding:
    """A municipality's onboarding runs as a job: follow it at ``/api/v1/jobs/{job}``."""

    job: uuid.UUID


@dataclass
class Taak:
    id: uuid.UUID
    status: str
    done: int
    total: int | None
    bericht: str


@dataclass
class ClaimkoppelingWeergave:
    claim: str
    waarde: str
    rol: str
    gemeente: str | None = None
    hub: str | None = None


@dataclass
class InlogdienstWeergave:
    issuer: str
    client_id: str
    scopes: str = ""
    allowed_algorithms: list[str] = field(default_factory=list)
    required_acr: list[str] = field(default_factory=list)
    trusted_audiences: list[str] = field(default_factory=list)
    claim_mappings: list[ClaimkoppelingWeergave] = field(default_factory=list)
    post_logout_redirect_uri: str | None = None


@dataclass
class Organisatie:
    id: uuid.UUID
    slug: str
    naam: str
    type: str
    actief: bool
    email_domeinen: list[str] = field(default_factory=list)
    # The client secret is never returned.
    inlogdienst: InlogdienstWeergave | None = None


@dataclass
class GebruikerRol:
    rol: str
    gemeente: uuid.UUID | None


@dataclass
class Gebruiker:
    id: uuid.UUID
    naam: str
    email: str
    actief: bool
    organisatie: str
    laatst_ingelogd: str | None
    rollen: list[GebruikerRol] = field(default_factory=list)


@dataclass
class Uitgenodigd:
    uitgenodigd: str


@dataclass
class Uitgeschakeld:
    id: uuid.UUID
    actief: bool
    sessies_beeindigd: int


_BESCHRIJVING = {
    400: "Het verzoek is ongeldig (zoals een id dat geen UUID is of JSON dat niet klopt).",
    401: "Geen, een onbekend, verlopen of ingetrokken API-token.",
    404: "Bestaat niet, of hoort niet bij de hub van het token.",
    409: "Niet toegestaan in de huidige toestand (zoals de hub buitensluiten); ``detail`` zegt "
    "waarom.",
    422: "De invoer klopt niet; ``fouten`` noemt per veld de reden.",
}


def probleem_antwoorden(*codes: int) -> dict[int, ResponseSpec]:
    """The problem+json responses an operation can give (401 always: every route needs a token)."""
    wanted = sorted({401, *codes})
    return {
        code: ResponseSpec(
            data_container=Probleem,
            description=_BESCHRIJVING[code],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for code in wanted
    }
