"""Identity administration from the command line: organisation, provider, invitation."""

from __future__ import annotations

import secrets

from click.testing import CliRunner

from casushub.cli import main
from casushub.platform.settings import Settings
from casushub.platform.tenancy import TenantRef


def test_organisation_provider_and_invitation_from_the_cli(
    settings: Settings, tenant_a: TenantRef
) -> None:
    suffix = secrets.token_hex(3)
    runner = CliRunner()
    created = runner.invoke(
        main,
        [
            "organisaties",
            "create",
            f"cli_{suffix}",
            "--name",
            "Reclassering Noord",
            "--type",
            "reclassering",
            "--domain",
            f"rn{suffix}.test",
        ],
    )
    assert created.exit_code == 0, created.output
    secret = "cli-geheim-" + suffix
    saved = runner.invoke(
        main,
        [
            "organisaties",
            "provider",
            f"cli_{suffix}",
            "--issuer",
            "https://idp.rn.test",
            "--client-id",
            "casushub",
        ],
        input=secret + "\n",
    )
    assert saved.exit_code == 0, saved.output
    assert secret not in saved.output
    invited = runner.invoke(
        main,
        [
            "gebruikers",
            "invite",
            f"cli_{suffix}",
            f"r@rn{suffix}.test",
            "--role",
            "participant",
            "--tenant",
            "alfa",
        ],
    )
    assert invited.exit_code == 0, invited.output
    wrong = runner.invoke(
        main, ["gebruikers", "invite", f"cli_{suffix}", "x@y.test", "--role", "koning"]
    )
    assert wrong.exit_code == 1
    assert "onbekende rol" in wrong.output
    duplicate = runner.invoke(
        main,
        [
            "organisaties",
            "create",
            f"cli2_{suffix}",
            "--name",
            "Dubbel",
            "--type",
            "om",
            "--domain",
            f"rn{suffix}.test",
        ],
    )
    assert duplicate.exit_code == 1
    assert "al in gebruik" in duplicate.output
