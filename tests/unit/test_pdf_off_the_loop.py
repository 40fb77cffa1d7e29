"""The agenda and minutes PDFs render in a worker thread: the event loop keeps running."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest
import weasyprint  # type: ignore[import-untyped]  # ships no type information

from casushub.web.casusoverleg import afdrukken


async def test_pdf_rendering_does_not_block_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_write_pdf(self: Any, **kwargs: Any) -> bytes:
        time.sleep(0.4)  # a long agenda: WeasyPrint's own work, synchronous
        return b"%PDF-1.7"

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", slow_write_pdf)
    template = SimpleNamespace(render=lambda **context: "<html><body>agenda</body></html>")
    request = SimpleNamespace(
        app=SimpleNamespace(template_engine=SimpleNamespace(get_template=lambda name: template))
    )
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    # A stand-in request with only the template lookup _pdf uses (the ignore).
    pdf = await afdrukken._pdf(request, "casusoverleg/agenda_pdf.html", {})  # type: ignore[arg-type]
    running.cancel()
    assert pdf == b"%PDF-1.7"
    # Blocking, the ticker would not have run at all during the 0.4 s.
    assert ticks >= 10, ticks
