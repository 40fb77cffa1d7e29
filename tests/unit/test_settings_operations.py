"""Settings an operator sets: the SMTP port follows the TLS mode (and so the chart's network
policy), the backup retention has an upper bound, the CA bundle for identity providers."""

from __future__ import annotations

import pytest

from casushub.platform.settings import BACKUP_RETENTION_MAX_DAYS, Settings


@pytest.mark.parametrize(("tls", "port"), [("starttls", 587), ("tls", 465), ("none", 25)])
def test_the_smtp_port_follows_the_tls_mode(
    monkeypatch: pytest.MonkeyPatch, tls: str, port: int
) -> None:
    monkeypatch.delenv("SMTP_PORT", raising=False)
    monkeypatch.setenv("SMTP_TLS", tls)
    assert Settings.from_env().smtp_port == port
    monkeypatch.setenv("SMTP_PORT", "2525")
    assert Settings.from_env().smtp_port == 2525


def test_the_default_is_submission_with_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_PORT", "SMTP_TLS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert (settings.smtp_tls, settings.smtp_port) == ("starttls", 587)
    assert Settings().smtp_port == 587


@pytest.mark.parametrize("days", ["0", "-1", str(BACKUP_RETENTION_MAX_DAYS + 1), "365"])
def test_backup_retention_is_bounded(monkeypatch: pytest.MonkeyPatch, days: str) -> None:
    monkeypatch.setenv("BACKUP_RETENTION_DAYS", days)
    with pytest.raises(ValueError, match="BACKUP_RETENTION_DAYS moet tussen 1 en 90"):
        Settings.from_env()


def test_backup_retention_default_and_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKUP_RETENTION_DAYS", raising=False)
    assert Settings.from_env().backup_retention_days == 35
    monkeypatch.setenv("BACKUP_RETENTION_DAYS", str(BACKUP_RETENTION_MAX_DAYS))
    assert Settings.from_env().backup_retention_days == BACKUP_RETENTION_MAX_DAYS


def test_the_ca_bundle_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OIDC_CA_BUNDLE", raising=False)
    assert Settings.from_env().oidc_ca_bundle == ""
    monkeypatch.setenv("OIDC_CA_BUNDLE", "/etc/casushub/oidc-ca/ca.crt")
    assert Settings.from_env().oidc_ca_bundle == "/etc/casushub/oidc-ca/ca.crt"
