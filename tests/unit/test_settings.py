from __future__ import annotations

import pytest

from casushub.platform.settings import Settings, asyncpg_url, url_with_user


def test_libpq_urls_become_asyncpg_urls() -> None:
    assert asyncpg_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    assert asyncpg_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    with pytest.raises(ValueError, match="PostgreSQL-URL"):
        asyncpg_url("mysql://u@h/db")


def test_runtime_url_swaps_only_the_user() -> None:
    url = "postgresql+asyncpg://owner:geheim@db.example:5432/casushub?host=/tmp/x"
    assert (
        url_with_user(url, "casushub_app", "")
        == "postgresql+asyncpg://casushub_app@db.example:5432/casushub?host=/tmp/x"
    )
    assert url_with_user(url, "app", "p@ss").startswith("postgresql+asyncpg://app:p%40ss@db.")


def test_from_env_derives_the_runtime_role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@localhost/casushub")
    monkeypatch.setenv("DB_ROLE_PREFIX", "regio")
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    settings = Settings.from_env()
    assert settings.app_database_url == "postgresql+asyncpg://regio_app@localhost/casushub"
    assert settings.app_role == "regio_app"
    assert settings.tenant_role("oostdam") == "regio_t_oostdam"


@pytest.mark.parametrize("prefix", ["Hoofd", "1x", "a" * 19, "met-streep"])
def test_role_prefix_is_validated(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    monkeypatch.setenv("DB_ROLE_PREFIX", prefix)
    with pytest.raises(ValueError, match="DB_ROLE_PREFIX"):
        Settings.from_env()


def test_production_requires_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "kort")
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings.from_env()


def test_secure_cookies_default_on_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    monkeypatch.setenv("CASUSHUB_ENV", "test")
    assert Settings.from_env().secure_cookies is True
    monkeypatch.setenv("CASUSHUB_ENV", "development")
    assert Settings.from_env().secure_cookies is False
