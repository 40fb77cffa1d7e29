"""An organisation's provider may list other client ids an ID token may also be meant for
(``trusted_audiences``); the list is validated, set from the CLI, and kept when a screen that
does not show it saves the provider."""

from __future__ import annotations

import asyncio
import secrets
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from casushub.cli import main
from casushub.platform.database import create_admin_engine
from casushub.platform.identity.models import OidcProvider, Organisation
from casushub.platform.identity.organisations import create_organisation
from casushub.platform.identity.providers import provider_for_organisation, save_provider
from casushub.platform.registry import RegistryError
from casushub.platform.settings import Settings


async def _organisation(engine: AsyncEngine) -> uuid.UUID:
    suffix = secrets.token_hex(3)
    async with engine.begin() as conn:
        return await create_organisation(
            conn,
            slug=f"aud_{suffix}",
            name="Audiences",
            type="politie",
            email_domains=[f"aud{suffix}.test"],
        )


async def test_trusted_audiences_are_validated_kept_and_read_back(
    admin_engine: AsyncEngine, settings: Settings
) -> None:
    org_id = await _organisation(admin_engine)

    async def save(trusted_audiences: tuple[str, ...] | None = None) -> None:
        async with admin_engine.begin() as conn:
            await save_provider(
                conn,
                settings,
                organisation_id=org_id,
                issuer="https://idp.aud.test",
                client_id="casushub",
                client_secret="geheim-0123456789",
                trusted_audiences=trusted_audiences,
            )

    await save((" portaal ", "casushub", "api-gateway", "portaal"))
    async with admin_engine.connect() as conn:
        provider_id = (
            await conn.execute(
                select(OidcProvider.id).where(OidcProvider.organisation_id == org_id)
            )
        ).scalar_one()
        config = await provider_for_organisation(conn, settings, provider_id)
    assert config is not None
    # Trimmed, deduplicated, sorted; our own client id is never a "trusted other".
    assert config.trusted_audiences == ("api-gateway", "portaal")

    # A save that does not mention the list (the screens, the API) keeps it.
    await save()
    async with admin_engine.connect() as conn:
        config = await provider_for_organisation(conn, settings, provider_id)
    assert config is not None
    assert config.trusted_audiences == ("api-gateway", "portaal")

    for bad in (("met spatie",), ("x" * 201,), tuple(f"c{n}" for n in range(21))):
        with pytest.raises(RegistryError) as info:
            await save(bad)
        assert info.value.field == "trusted_audiences"
    await save(())
    async with admin_engine.connect() as conn:
        config = await provider_for_organisation(conn, settings, provider_id)
    assert config is not None
    assert config.trusted_audiences == ()


def test_trusted_audiences_from_the_cli(settings: Settings) -> None:
    suffix = secrets.token_hex(3)
    runner = CliRunner()
    created = runner.invoke(
        main,
        [
            *("organisaties", "create", f"audcli_{suffix}", "--name", "Audiences CLI"),
            *("--type", "om", "--domain", f"audcli{suffix}.test"),
        ],
    )
    assert created.exit_code == 0, created.output
    base = ["organisaties", "provider", f"audcli_{suffix}", "--issuer", "https://idp.aud.test"]
    saved = runner.invoke(
        main,
        [*base, "--client-id", "casushub", "--trusted-audience", "portaal"],
        input="cli-geheim-0123456789\n",
    )
    assert saved.exit_code == 0, saved.output

    async def stored() -> list[str]:
        engine = create_admin_engine(settings)  # the CLI ran its own event loop; so does this
        try:
            async with engine.connect() as conn:
                return list(
                    (
                        await conn.execute(
                            select(OidcProvider.trusted_audiences)
                            .join(Organisation, Organisation.id == OidcProvider.organisation_id)
                            .where(Organisation.slug == f"audcli_{suffix}")
                        )
                    ).scalar_one()
                )
        finally:
            await engine.dispose()

    assert asyncio.run(stored()) == ["portaal"]
    refused = runner.invoke(
        main,
        [*base, "--client-id", "casushub", "--trusted-audience", "met spatie"],
        input="cli-geheim-0123456789\n",
    )
    assert refused.exit_code == 1
    assert "vertrouwde audience" in refused.output
    assert asyncio.run(stored()) == ["portaal"]
