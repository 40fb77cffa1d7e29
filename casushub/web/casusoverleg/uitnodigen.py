"""Inviting a third party for one meeting of a casus, and withdrawing the invitation.

The invitation form is its own page that shows up front what can be shared (only ordinary
items, rule 4) and says plainly when there is nothing yet and how to add it. After the
invitation the invited organisation's people get a Dutch e-mail without personal data, with
a link to the invitation; until they accept the confidentiality duty it shows nothing. A
withdrawal takes effect at once: every read of an invitation checks it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from casushub.platform.mail import MailError, queue_mail
from casushub.tenants.actor import Actor
from casushub.tenants.casus.errors import RegelFout, RegelFouten
from casushub.tenants.casus.items import lijst_items
from casushub.tenants.casus.services import lees_casus
from casushub.tenants.plan.rules import DEELNEMER_TYPES
from casushub.tenants.uitnodigingen.services import casus_van_uitnodiging, nodig_uit, trek_in
from casushub.web.auth.guards import roles
from casushub.web.casusoverleg.bijeenkomsten import gekozen_bijeenkomst, komende_bijeenkomsten
from casushub.web.casusoverleg.deps import CasusoverlegBasis, als_uuid
from casushub.web.casusoverleg.namen import adressen_van_uitgenodigden, organisaties_van_hub
from casushub.web.casusoverleg.rollen import REGIE
from casushub.web.casusoverleg.scherm import Scherm
from casushub.web.formulieren import FORMULIER, Formulier, meerdere, of_opnieuw
from casushub.web.meldingen import meld

__all__ = ["UitnodigController", "uitnodiging_mailen"]

_log = logging.getLogger(__name__)


@dataclass
class Uitnodigen(Formulier):
    uitnodiging_bijeenkomst: str = ""
    partij: str = ""
    reden: str = ""
    items: list[str] | str = field(default_factory=list)
    mag_inbrengen: str = ""

    def ingevuld(self) -> dict[str, Any]:
        """What was typed and ticked, as the form shows it again."""
        return {
            "uitnodiging_bijeenkomst": self.uitnodiging_bijeenkomst,
            "partij": self.partij,
            "reden": self.reden,
            "items": meerdere(self.items),
            "mag_inbrengen": self.mag_inbrengen == "ja",
        }


async def _pagina(
    scherm: Scherm, casus_id: uuid.UUID, waarden: dict[str, Any], fouten: dict[str, str]
) -> Template:
    """The form, with what can be shared and what cannot: the casus in a transaction of its
    own, the meetings and parties (platform) after it."""
    state, tenant, db, actor = scherm.state, scherm.tenant, scherm.db, scherm.actor
    async with db.begin():
        casus = await lees_casus(db, actor, casus_id, doel="uitnodiging voorbereiden")
        items = await lijst_items(db, actor, casus_id, doel="uitnodiging voorbereiden")
    async with state.engine.connect() as conn:
        komend = await komende_bijeenkomsten(conn, tenant.id)
    partijen = [
        (i, n)
        for i, n, t in await organisaties_van_hub(state.engine, tenant.id)
        if t not in DEELNEMER_TYPES
    ]
    deelbaar = [i for i in items if i.categorie == "gewoon"]
    if deelbaar:
        # The summary links to the first checkbox (a fieldset cannot take focus).
        eerste = f"uitnodiging-item-{deelbaar[0].item_id}"
        fouten = {(eerste if k == "uitnodiging-items" else k): v for k, v in fouten.items()}
    return Template(
        "casusoverleg/uitnodigen.html",
        context={
            "casus": casus,
            # Only ordinary items can be shared with an invited party (rule 4).
            "items": deelbaar,
            "niet_deelbaar": sum(1 for i in items if i.categorie != "gewoon"),
            "bijeenkomsten": [("", "Kies een bijeenkomst")]
            + [
                (str(b.id), f"{b.omschrijving}, {b.locatie}" if b.locatie else b.omschrijving)
                for b in komend
            ],
            "partijen": [("", "Kies een partij"), *partijen],
            "waarden": waarden,
            "fouten": fouten,
        },
    )


async def uitnodiging_mailen(
    engine: AsyncEngine, tenant_id: uuid.UUID, organisatie_id: uuid.UUID, uitnodiging_id: uuid.UUID
) -> int:
    """Mail each address a fixed Dutch text and the link (no personal data); returns how many.
    A broker that cannot take the delivery now leaves it to the mail sweep."""
    link = f"/casusoverleg/uitnodigingen/{uitnodiging_id}"
    verstuurd = 0
    for adres in sorted(await adressen_van_uitgenodigden(engine, tenant_id, organisatie_id)):
        try:
            mail_id = await queue_mail(engine, adres, "bespreking", link)
        except MailError:
            _log.warning("uitnodiging niet gemaild: ongeldig adres")
            continue
        verstuurd += 1
        try:
            from casushub.workers.actors import mail_deliver
            from casushub.workers.broker import ensure_configured

            ensure_configured()
            await asyncio.to_thread(mail_deliver.send, mail_id=str(mail_id))
        except Exception:  # noqa: BLE001 - any broker failure: the sweep delivers it later
            _log.warning("mail later verstuurd door mail.sweep")
    return verstuurd


class UitnodigController(CasusoverlegBasis):
    opt = roles(*REGIE)

    @get("/casussen/{casus_id:uuid}/uitnodigen", name="casus-uitnodigen-formulier")
    async def uitnodigen_formulier(
        self, casus_id: FromPath[uuid.UUID], scherm: NamedDependency[Scherm]
    ) -> Template:
        return await _pagina(scherm, casus_id, {"items": []}, {})

    @post("/casussen/{casus_id:uuid}/uitnodigen", name="casus-uitnodigen")
    async def casus_uitnodigen(
        self,
        casus_id: FromPath[uuid.UUID],
        data: Annotated[Uitnodigen, FORMULIER],
        scherm: NamedDependency[Scherm],
    ) -> Template | Redirect:
        """Invite a third party for one meeting: necessity, scope (items), window."""
        waarden = data.ingevuld()
        state, tenant = scherm.state, scherm.tenant

        async def actie() -> Redirect:
            info = await gekozen_bijeenkomst(state.engine, tenant.id, data.uitnodiging_bijeenkomst)
            partijen = {
                i
                for i, _, t in await organisaties_van_hub(state.engine, tenant.id)
                if t not in DEELNEMER_TYPES
            }
            fouten: dict[str, str] = {}
            if info is None:
                fouten["uitnodiging_bijeenkomst"] = "Kies een bijeenkomst van uw casusoverleg."
            if data.partij not in partijen:
                fouten["partij"] = "Kies de partij die u uitnodigt."
            if not data.reden.strip():
                fouten["reden"] = (
                    "Leg vast waarom deze partij nodig is voor de bespreking (noodzaak)."
                )
            item_ids = [u for u in (als_uuid(i) for i in waarden["items"]) if u is not None]
            if not item_ids:
                fouten["uitnodiging-items"] = (
                    "Kies de informatie die met deze partij wordt gedeeld."
                )
            if fouten or info is None:
                raise RegelFouten(fouten)
            async with scherm.db.begin():
                uitnodiging = await nodig_uit(
                    scherm.db,
                    scherm.actor,
                    casus_id=casus_id,
                    bijeenkomst_id=info.id,
                    einde_bijeenkomst=info.eindigt_op,
                    organisatie_id=uuid.UUID(data.partij),
                    reden=data.reden,
                    item_ids=item_ids,
                    mag_inbrengen=waarden["mag_inbrengen"],
                )
            ontvangers = await uitnodiging_mailen(
                state.engine, tenant.id, uitnodiging.organisatie_id, uitnodiging.id
            )
            return scherm.terug(
                f"/casusoverleg/casussen/{casus_id}/bijeenkomsten",
                "De partij is uitgenodigd"
                + (
                    f" en heeft een e-mail met de link gekregen ({ontvangers} ontvanger"
                    + ("s" if ontvangers != 1 else "")
                    + ")"
                    if ontvangers
                    else "; er is nog niemand van die organisatie met toegang tot deze gemeente: "
                    "laat de hub eerst een gebruiker uitnodigen"
                )
                + ". Zij ziet pas iets na het accepteren van de geheimhoudingsplicht.",
            )

        async def opnieuw(fouten: dict[str, str]) -> Template:
            veld = {"bijeenkomst": "uitnodiging_bijeenkomst", "items": "uitnodiging-items"}
            gemeld = {veld.get(k, k): v for k, v in fouten.items()}
            return await _pagina(scherm, casus_id, waarden, gemeld)

        return await of_opnieuw(actie, opnieuw, standaardveld="reden")

    @post("/uitnodigingen/{uitnodiging_id:uuid}/intrekken", name="uitnodiging-intrekken")
    async def uitnodiging_intrekken(
        self,
        uitnodiging_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
    ) -> Redirect:
        try:
            async with db.begin():
                uitnodiging = await trek_in(db, actor, uitnodiging_id)
                casus_id = uitnodiging.casus_id
        except RegelFout as fout:
            async with db.begin():
                van = await casus_van_uitnodiging(db, uitnodiging_id)
            meld(request, fout.message)
            if van is None:
                return Redirect("/casusoverleg", status_code=303)
            return Redirect(f"/casusoverleg/casussen/{van}/bijeenkomsten", status_code=303)
        meld(request, "Uitnodiging ingetrokken. De partij heeft vanaf nu geen toegang meer.")
        return Redirect(f"/casusoverleg/casussen/{casus_id}/bijeenkomsten", status_code=303)
