"""``make dev-stop`` stops the embedded development server through PostgreSQL's own interface
(the postmaster's pid file and a fast-shutdown signal), not the wheel's private commands."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psutil

from casushub.platform.devdb import start_embedded, stop_embedded


def test_dev_stop_stops_the_embedded_server() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="casushub-devstop-"))
    pgdata = data_dir / "pg"
    server, _ = start_embedded(pgdata, cleanup_mode="delete")
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        assert psutil.pid_exists(pid)
        assert stop_embedded(pgdata) is True
        assert not (pgdata / "postmaster.pid").exists()
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        # Nothing running: a second stop says so instead of failing.
        assert stop_embedded(pgdata) is False
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


def test_dev_stop_without_a_server(tmp_path: Path) -> None:
    assert stop_embedded(tmp_path / "pg") is False
    (tmp_path / "pg").mkdir()
    (tmp_path / "pg" / "postmaster.pid").write_text("999999999\n")  # stale, after a crash
    assert stop_embedded(tmp_path / "pg") is False
