"""Development mail sink: an SMTP server that keeps every message instead of sending it.

Each message is written to ``DATA_DIR/mail/<time>-<n>.eml`` and announced on stdout with its
subject and recipient, so nothing sent in development is lost or leaves the machine.
``aiosmtpd`` is a development dependency: production sends through ``SMTP_HOST``.
"""

from __future__ import annotations

import itertools
import signal
import threading
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casushub.platform.settings import Settings

__all__ = ["MailDirHandler", "run_mailsink"]


class MailDirHandler:
    """aiosmtpd handler that stores messages as .eml files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        content: bytes = envelope.original_content or envelope.content
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{next(self._counter):04d}.eml"
        path = self.directory / name
        path.write_bytes(content)
        parsed = message_from_bytes(content, policy=default)
        print(  # the dev server's console is where a developer looks
            f"[mail] aan {', '.join(envelope.rcpt_tos)}: {parsed['Subject']} -> {path}",
            flush=True,
        )
        return "250 Message accepted for delivery"


def run_mailsink(settings: Settings, port: int) -> int:
    from aiosmtpd.controller import Controller

    directory = settings.data_dir / "mail"
    controller = Controller(MailDirHandler(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail-sink op 127.0.0.1:{port}; berichten in {directory}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()
    return 0
