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


async def test_a_broker_built_for_other_settings_is_built_again(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """An app started after another in one process (the test suite) sends where its own
    settings say, not through the broker an earlier app (here: one that is down) left."""
    earlier = replace(settings, broker_url="amqp://127.0.0.1:1/")
    built: list[Settings] = []
    made = StubBroker()

    def configure(given: Settings) -> Any:
        built.append(given)
        return made

    left = object()  # a real broker of the earlier settings: anything but a stub
    monkeypatch.setattr(broker_module, "_current", left)
    monkeypatch.setattr(broker_module, "_built_for", broker_module._sleutel(earlier))
    monkeypatch.setattr(broker_module, "_settings", earlier)
    monkeypatch.setattr(broker_module, "configure", configure)
    assert broker_module.ensure_configured() is left  # same settings: kept
    async with AsyncTestClient(create_app(settings), session_config=session_config(settings)):
        assert broker_module.ensure_configured() is made
    assert built == [settings]
