"""What the admin API takes: the request bodies, as msgspec Structs the OpenAPI schema is
generated from.

Their constraints (lengths, patterns, enumerations, no unknown fields, the one rule between two
fields that JSON Schema can state) are exactly what the API accepts, so a body the schema
allows is never refused as invalid input: it is taken, or refused because of what exists (404
for what is not in the token's hub, 409 for a clash). Each field's Dutch description is also
the message a refused value gets (``fouten``).
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import date
from typing import Annotated, Any, ClassVar, get_args

import msgspec

from casushub.platform.hub.models import Situatie
from casushub.platform.identity.roles import TENANT_ROLES, OrganisationType, Role

__all__ = [
    "DOMEIN",
    "EMAIL",
    "GEMEENTECODE",
    "ISSUER",
    "SCOPES",
    "SLUG",
    "TEKST",
    "UITNODIGBARE_ROLLEN",
    "ZONDER_NUL",
    "Algoritme",
    "Claimkoppeling",
    "Inlogdienst",
    "NieuweGemeente",
    "NieuweOrganisatie",
    "OrganisatieWijziging",
    "UitnodigbareRol",
    "Uitnodiging",
    "Verzoek",
    "metas",
]


#
# Patterns are written for both regex dialects that read them: Python's (msgspec, the API)
# and ECMAScript's (JSON Schema, the clients): explicit classes instead of \s, which the two
# define differently. "Whitespace" below is the union of both definitions, so text that has a
# character outside it is never blank to ``str.strip()``.
_WIT = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


# Text the database can store (no NUL character) with at least one visible character.
TEKST = rf"^[^\x00]*[^\x00{_WIT}][^\x00]*$"


ZONDER_NUL = r"^[^\x00]*$"


SLUG = r"^[a-z][a-z0-9_]{1,40}$"


GEMEENTECODE = r"^(?:[Gg][Mm])?[0-9]{4}$"


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


DOMEIN = rf"^{_LABEL}(?:\.[A-Za-z0-9-]{{1,63}})+$"


# At most three labels after the first: the whole domain then stays within 253 characters.
EMAIL = rf"^[^@\x00{_WIT}]{{1,64}}@{_LABEL}(?:\.[A-Za-z0-9-]{{1,63}}){{1,3}}$"


ISSUER = r"^https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$"


# RFC 6749 scope tokens, one space apart, "openid" among them.
_SCOPE = r"[!#-\[\]-~]+"


SCOPES = rf"^(?:{_SCOPE} )*openid(?: {_SCOPE})*$"


class UitnodigbareRol(enum.StrEnum):
    """The roles a hub may hand out: every role but the platform operator's."""

    HUB_ADMIN = Role.HUB_ADMIN.value
    PROCESREGISSEUR = Role.PROCESREGISSEUR.value
    GEMEENTE_REGIE = Role.GEMEENTE_REGIE.value
    CONTACTPUNT = Role.CONTACTPUNT.value
    PARTICIPANT = Role.PARTICIPANT.value
    INVITED_PARTY = Role.INVITED_PARTY.value
    FG_AUDITOR = Role.FG_AUDITOR.value


UITNODIGBARE_ROLLEN = tuple(r.value for r in UitnodigbareRol)


def _tekst(maximum: int, uitleg: str, *, verplicht: bool = True) -> Any:
    return Annotated[
        str,
        msgspec.Meta(
            max_length=maximum,
            pattern=TEKST if verplicht else ZONDER_NUL,
            description=f"{uitleg} (hooguit {maximum} tekens).",
        ),
    ]


class Verzoek(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body: unknown fields are refused (``additionalProperties: false``).

    ``ALS_DAN`` states a rule between fields for the schema (JSON Schema ``if``/``then``):
    ``(field, values it has, field that is then required, its minimum number of items)``.
    """

    ALS_DAN: ClassVar[tuple[str, tuple[Any, ...], str, dict[str, Any]] | None] = None

    def als_dan_fouten(self) -> dict[str, str]:
        """``ALS_DAN`` checked here too: msgspec does not read it, the schema does."""
        if self.ALS_DAN is None:
            return {}
        veld, waarden, dan, eisen = self.ALS_DAN
        if getattr(self, veld) not in waarden:
            return {}
        waarde = getattr(self, dan)
        goed = all(
            (eis != "minItems" or len(waarde) >= grens)
            and (eis != "pattern" or re.search(grens, waarde) is not None)
            for eis, grens in eisen.items()
        )
        if goed:
            return {}
        uitleg = next(
            (
                m.description
                for f in msgspec.structs.fields(self)
                if f.name == dan
                for m in metas(f.type)
                if m.description
            ),
            "",
        )
        return {dan: uitleg}


def metas(annotation: Any) -> list[msgspec.Meta]:
    """Every msgspec Meta in a (nested) annotation."""
    found: list[msgspec.Meta] = []
    for arg in get_args(annotation):
        found += [arg] if isinstance(arg, msgspec.Meta) else metas(arg)
    return found


class NieuweGemeente(Verzoek):
    naam: _tekst(200, "Naam van de gemeente")  # type: ignore[valid-type]
    gemeentecode: Annotated[
        str,
        msgspec.Meta(
            pattern=GEMEENTECODE,
            description="De CBS-gemeentecode: vier cijfers, bijvoorbeeld 0363 (of GM0363).",
        ),
    ]
    slug: Annotated[
        str,
        msgspec.Meta(
            pattern=SLUG,
            description="Korte naam: een kleine letter, dan 1 tot 40 kleine letters, cijfers of _.",
        ),
    ]
    contactpunt_functie: _tekst(200, "Functie van het contactpunt, zoals ‘de burgemeester’")  # type: ignore[valid-type]
    contactpunt_postadres: _tekst(400, "Postadres voor verzoeken van betrokkenen")  # type: ignore[valid-type]
    contactpunt_email: Annotated[
        str,
        msgspec.Meta(
            max_length=320,
            pattern=EMAIL,
            description="E-mailadres van het contactpunt, zoals naam@gemeente.nl.",
        ),
    ]
    verwerkersovereenkomst: _tekst(200, "Kenmerk van de verwerkersovereenkomst")  # type: ignore[valid-type]
    verwerkersovereenkomst_start: Annotated[
        date, msgspec.Meta(description="Ingangsdatum van de verwerkersovereenkomst (JJJJ-MM-DD).")
    ]
    situatie: Annotated[
        Situatie,
        msgspec.Meta(description="Situatie van de gemeente: zvh, geen_convenant of convenant."),
    ]
    verwerkersovereenkomst_eind: Annotated[
        date | None,
        msgspec.Meta(
            description="Einddatum (JJJJ-MM-DD), na de ingangsdatum; leeg als die er niet is."
        ),
    ] = None
    bsn_toegestaan: Annotated[
        bool, msgspec.Meta(description="Mag deze gemeente het BSN vastleggen (met grondslag)?")
    ] = False
    bsn_grondslag: _tekst(  # type: ignore[valid-type]
        300,
        "Wettelijke grondslag voor het BSN; verplicht als bsn_toegestaan waar is",
        verplicht=False,
    ) = ""

    ALS_DAN = ("bsn_toegestaan", (True,), "bsn_grondslag", {"pattern": TEKST})


_DOMEINNAAM = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=253,
        pattern=DOMEIN,
        description="Een e-maildomein, zoals politie.nl.",
    ),
]


class NieuweOrganisatie(Verzoek):
    slug: Annotated[
        str,
        msgspec.Meta(
            pattern=SLUG,
            description="Korte naam: een kleine letter, dan 1 tot 40 kleine letters, cijfers of _.",
        ),
    ]
    naam: _tekst(200, "Naam van de organisatie")  # type: ignore[valid-type]
    type: Annotated[OrganisationType, msgspec.Meta(description="Soort organisatie.")]
    email_domeinen: Annotated[
        list[_DOMEINNAAM],
        msgspec.Meta(
            min_length=1,
            max_length=20,
            description="Een tot twintig e-maildomeinen van de organisatie, zoals politie.nl.",
        ),
    ]


class OrganisatieWijziging(Verzoek):
    naam: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=200,
                pattern=ZONDER_NUL,
                description="Nieuwe naam (hooguit 200 tekens); leeg of weggelaten: ongewijzigd.",
            ),
        ]
        | None
    ) = None
    actief: Annotated[
        bool | None,
        msgspec.Meta(description="false schakelt de organisatie uit, true weer in."),
    ] = None


class Algoritme(enum.StrEnum):
    """Signing algorithms an ID token may use (never ``none``, never a shared secret)."""

    RS256 = "RS256"
    RS384 = "RS384"
    RS512 = "RS512"
    PS256 = "PS256"
    PS384 = "PS384"
    PS512 = "PS512"
    ES256 = "ES256"
    ES384 = "ES384"
    ES512 = "ES512"
    EDDSA = "EdDSA"


# An exact token as an ID token carries it (a client id, an acr value, a claim name).
_TOKEN = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[!-~]{1,200}$",
        description="Hooguit 200 zichtbare tekens zonder spaties.",
    ),
]


_SLUG_OF_NIETS = (
    Annotated[
        str,
        msgspec.Meta(
            pattern=SLUG,
            description="Korte naam: een kleine letter, dan 1 tot 40 kleine letters, cijfers of _.",
        ),
    ]
    | None
)


class Claimkoppeling(Verzoek):
    """A role from the provider's claims: ``claim`` holding ``waarde`` gives ``rol``."""

    claim: Annotated[_TOKEN, msgspec.Meta(description="De claim, zoals groups.")]
    waarde: _tekst(200, "De waarde in die claim, zoals zvh-regie")  # type: ignore[valid-type]
    rol: Annotated[UitnodigbareRol, msgspec.Meta(description="De rol die de waarde geeft.")]
    gemeente: _SLUG_OF_NIETS = None
    hub: _SLUG_OF_NIETS = None


class Inlogdienst(Verzoek):
    """Each setting left out keeps what the organisation's provider has (a new one gets the
    default): an update of the issuer never resets the MFA level or the claim mappings."""

    issuer: Annotated[
        str,
        msgspec.Meta(
            max_length=400,
            pattern=ISSUER,
            description="De issuer van de inlogdienst: een https-adres zonder ? of #.",
        ),
    ]
    client_id: _tekst(200, "De client-id die de inlogdienst heeft uitgegeven")  # type: ignore[valid-type]
    client_secret: _tekst(1000, "Het clientgeheim; wordt nooit teruggegeven")  # type: ignore[valid-type]
    scopes: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=300,
                pattern=SCOPES,
                description="Scopes, met een spatie ertussen; openid hoort erbij; weggelaten: "
                "ongewijzigd (nieuw: openid email profile).",
            ),
        ]
        | None
    ) = None
    allowed_algorithms: (
        Annotated[
            list[Algoritme],
            msgspec.Meta(
                min_length=1,
                max_length=10,
                description="Toegestane ondertekeningsalgoritmen; weggelaten: ongewijzigd "
                "(nieuw: RS256).",
            ),
        ]
        | None
    ) = None
    required_acr: (
        Annotated[
            list[_TOKEN],
            msgspec.Meta(
                max_length=20,
                description="Vereiste acr-waarden (zoals een MFA-niveau); leeg: geen eis; "
                "weggelaten: ongewijzigd.",
            ),
        ]
        | None
    ) = None
    trusted_audiences: (
        Annotated[
            list[_TOKEN],
            msgspec.Meta(
                max_length=20,
                description="Andere client-id's die in een ID-token mogen staan; leeg: geen; "
                "weggelaten: ongewijzigd.",
            ),
        ]
        | None
    ) = None
    claim_mappings: (
        Annotated[
            list[Claimkoppeling],
            msgspec.Meta(
                max_length=50,
                description="Rollen uit claims; leeg: geen; weggelaten: ongewijzigd.",
            ),
        ]
        | None
    ) = None
    post_logout_redirect_uri: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=500,
                pattern=r"^(?:https?://[!-~]{1,480})?$",
                description="Adres na uitloggen bij de inlogdienst; leeg: geen; weggelaten: "
                "ongewijzigd.",
            ),
        ]
        | None
    ) = None


class Uitnodiging(Verzoek):
    organisatie_id: Annotated[
        uuid.UUID, msgspec.Meta(description="De organisatie (van deze hub) van de gebruiker.")
    ]
    email: Annotated[
        str,
        msgspec.Meta(
            max_length=320,
            pattern=EMAIL,
            description="E-mailadres in een domein van die organisatie.",
        ),
    ]
    rol: Annotated[
        UitnodigbareRol,
        msgspec.Meta(description="De rol: " + ", ".join(UITNODIGBARE_ROLLEN) + "."),
    ]
    gemeente_ids: Annotated[
        list[uuid.UUID],
        msgspec.Meta(
            max_length=100,
            description="Gemeenten (van deze hub) waarin de rol geldt; verplicht voor een rol "
            "in een gemeente.",
        ),
    ] = msgspec.field(default_factory=list)

    ALS_DAN = (
        "rol",
        tuple(sorted(r.value for r in TENANT_ROLES)),
        "gemeente_ids",
        {"minItems": 1},
    )
