"""A process that only sends (the web) builds its broker from the app's own settings, recorded
at startup, never from settings read out of the environment during a request."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker
from litestar.testing import AsyncTestClient

from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config
from casushub.workers import broker as broker_module


async def test_the_web_sends_with_its_own_settings(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    built: list[Settings] = []
    made = StubBroker()

    def configure(given: Settings) -> Any:
        built.append(given)
        return made

    monkeypatch.setattr(broker_module, "_current", StubBroker())
    monkeypatch.setattr(broker_module, "_settings", None)
    monkeypatch.setattr(broker_module, "configure", configure)
    # No settings recorded: refused, instead of quietly reading the environment.
    with pytest.raises(RuntimeError, match="use_settings"):
        broker_module.ensure_configured()
    own = replace(settings, broker_url="postgresql://eigen-instellingen.test/casushub")
    async with AsyncTestClient(create_app(own), session_config=session_config(own)):
        assert broker_module.ensure_configured() is made
    assert built == [own]
