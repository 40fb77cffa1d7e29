"""The pages of partners under the Wet, seeded for PAGES (conftest.py): a participant of the
Minister of JenV that takes part in the seeded casus and has announced a measure (its own form,
and the gemeente's decision page), and an accepted invitation that lets the invited party bring
information in (its form)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from seedkit import SYSTEEM, Seeds
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.platform.identity.roles import OrganisationType, Role
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef, tenant_session
from casushub.tenants.actor import Actor
from casushub.tenants.casus.models import CasusDeelnemer
from casushub.tenants.maatregelen.services import kondig_aan
from casushub.tenants.uitnodigingen.services import accepteer, nodig_uit
from casushub.web.auth.testing import SignedIn, create_signed_in_session

__all__ = ["JENV_ROL", "inbrengbare_uitnodiging", "jenv_deelnemer"]

# A PAGES role of its own: a participant membership of a JenV organisation (no Role of its own).
JENV_ROL = "participant_jenv"


async def jenv_deelnemer(
    admin_engine: AsyncEngine,
    app_engine: AsyncEngine,
    settings: Settings,
    tenant: TenantRef,
    seeds: Seeds,
) -> tuple[str, dict[str, str]]:
    """The JenV participant's cookie, and the id of the measure it announced (``maatregel``)."""
    signed_in = await create_signed_in_session(
        admin_engine,
        settings,
        role=Role.PARTICIPANT,
        tenant_id=tenant.id,
        organisation_type=OrganisationType.JENV,
    )
    jenv = Actor(
        signed_in.user_id, signed_in.organisation_id, "participant", organisation_type="jenv"
    )
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        s.add(
            CasusDeelnemer(
                casus_id=seeds.casus,
                organisatie_id=signed_in.organisation_id,
                organisatie_type="jenv",
            )
        )
        await s.flush()
        maatregel = await kondig_aan(
            s,
            jenv,
            seeds.casus,
            omschrijving="Paspoort laten vervallen",
            bevoegdheid="Paspoortwet",
            voorgenomen_op=date.today() + timedelta(days=14),
        )
    return signed_in.cookie, {"maatregel": str(maatregel.id)}


async def inbrengbare_uitnodiging(
    app_engine: AsyncEngine, settings: Settings, tenant: TenantRef, seeds: Seeds, party: SignedIn
) -> uuid.UUID:
    """A second invitation of the invited party, accepted, that lets it bring information in."""
    async with tenant_session(app_engine, tenant, settings) as s, s.begin():
        uitnodiging = await nodig_uit(
            s,
            SYSTEEM,
            casus_id=seeds.casus,
            bijeenkomst_id=seeds.bijeenkomst,
            einde_bijeenkomst=seeds.einde_bijeenkomst + timedelta(days=1),
            organisatie_id=party.organisation_id,
            reden="Behandelrelatie; brengt eigen informatie in",
            item_ids=[seeds.item],
            mag_inbrengen=True,
        )
        gast = Actor(party.user_id, party.organisation_id, Role.INVITED_PARTY.value)
        await accepteer(s, gast, uitnodiging.id, geheimhouding_geaccepteerd=True)
    return uitnodiging.id
