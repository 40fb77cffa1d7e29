"""An unknown path gets its access line and request id like every other request."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient

from casushub.platform.logs import configure_logging
from casushub.platform.settings import Settings
from casushub.web.app import create_app, session_config


async def test_unknown_path_is_logged_with_its_request_id(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    logged = replace(settings, log_json=True)
    app = create_app(logged)
    configure_logging(logged)  # bind the JSON log handler to the captured stdout
    async with AsyncTestClient(app, session_config=session_config(logged)) as client:
        missing = await client.get("/bestaat-echt-niet", headers={"accept": "text/html"})
        kept = await client.get(
            "/ook-niet", headers={"accept": "text/html", "x-request-id": "proxy-id-12345"}
        )
    assert missing.status_code == 404
    request_id = missing.headers.get("x-request-id")
    assert request_id, dict(missing.headers)
    # The Dutch page names the same reference as the log.
    assert request_id in missing.text
    # A well-formed id from the proxy in front is kept.
    assert kept.headers.get("x-request-id") == "proxy-id-12345"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line[:1] == "{"]
    access = {e.get("request_id"): e for e in lines if e["logger"] == "casushub.access"}
    assert access[request_id]["status"] == 404
    assert access[request_id]["path"] == "/bestaat-echt-niet"
    assert access["proxy-id-12345"]["status"] == 404
    assert len(access) == 2, access
