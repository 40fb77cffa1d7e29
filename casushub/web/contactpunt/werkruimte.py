"""The contactpunt's blocks in the werkruimte: consultations waiting for a participant's
answer (participants, the municipality and invited third parties that supplied data), and
the requests whose person still has to be found. Counts and links only."""

from __future__ import annotations

from casushub.platform import klok
from casushub.platform.identity.roles import Role
from casushub.tenants.verzoeken.consultaties import open_consultaties
from casushub.tenants.verzoeken.rectificatie import mijn_verbeteringen
from casushub.tenants.verzoeken.wachtrij import aantal_zonder_persoon
from casushub.web import werkruimte_blokken  # noqa: F401 - the general blocks come first
from casushub.web.werkruimte import Blok, Link, Telling, Werk, blok

__all__: list[str] = []

RAADPLEGINGEN = "/contactpunt-taken/raadplegingen"
VERBETERINGEN = "/contactpunt-taken/verbeteringen"


@blok(Role.PARTICIPANT, Role.GEMEENTE_REGIE, Role.INVITED_PARTY)
async def raadplegingen(werk: Werk) -> Blok | None:
    _, db, actor = werk.gemeente()
    if actor.organisation_id is None:
        return None
    open_ = await open_consultaties(db, actor.organisation_id)
    vandaag = klok.vandaag()
    te_laat = sum(1 for taak, _ in open_ if taak.termijn < vandaag)
    if not open_ and werk.context.role is Role.INVITED_PARTY:
        return None
    return Blok(
        "Raadplegingen van het contactpunt",
        tekst="Een betrokkene vroeg om inzage, verbetering, verwijdering, beperking of bezwaar. "
        "Het contactpunt vraagt uw reactie over de gegevens die uw organisatie inbracht.",
        tellingen=[
            Telling("Wachten op uw reactie", len(open_), RAADPLEGINGEN),
            Telling("Reactietermijn verstreken", te_laat, RAADPLEGINGEN, urgent=True),
        ],
        links=[Link("Raadplegingen beantwoorden", RAADPLEGINGEN)],
    )


@blok(Role.CONTACTPUNT)
async def nog_te_koppelen(werk: Werk) -> Blok | None:
    _, db, _ = werk.gemeente()
    aantal = await aantal_zonder_persoon(db)
    return Blok(
        "Betrokkene nog niet gevonden",
        tekst="Zoek de betrokkene op de pagina van het verzoek en koppel die, of leg vast dat "
        "de persoon niet bekend is. Pas daarna worden de deelnemers geraadpleegd.",
        tellingen=[Telling("Verzoeken zonder gekoppelde persoon", aantal, "/contactpunt-taken")],
    )


@blok(
    Role.GEMEENTE_REGIE,
    Role.PROCESREGISSEUR,
    Role.PARTICIPANT,
    Role.INVITED_PARTY,
    Role.FG_AUDITOR,
    Role.CONTACTPUNT,
)
async def verbeteringen(werk: Werk) -> Blok | None:
    _, db, actor = werk.gemeente()
    lijst = await mijn_verbeteringen(db, actor)
    nieuw = sum(1 for _, status in lijst if status != "gelezen")
    return Blok(
        "Verbeterde gegevens",
        tekst="Gegevens die u eerder ontving, zijn op verzoek van de betrokkene verbeterd.",
        tellingen=[Telling("Nog niet bekeken", nieuw, VERBETERINGEN, urgent=True)],
        links=[Link("Verbeterde gegevens bekijken", VERBETERINGEN)],
    )
