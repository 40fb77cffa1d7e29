"""`make dev`'s supervisor: told to stop by SIGTERM, it stops its children as Ctrl-C does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHILD = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(120)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its exit status is left to collect.
    return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_supervisor_stops_its_children_when_terminated(tmp_path: Path, sig: signal.Signals) -> None:
    pidfiles = [tmp_path / "a.pid", tmp_path / "b.pid"]
    commands = {f.stem: [sys.executable, "-c", CHILD, str(f)] for f in pidfiles}
    script = (
        "import sys; from casushub.cli.devserver import supervise; "
        f"sys.exit(supervise({commands!r}, 'gestart'))"
    )
    # Output to a file, not a pipe: orphaned children would hold a pipe open.
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        parent = subprocess.Popen([sys.executable, "-c", script], stdout=sink)  # noqa: S603 - fixed argv
    try:
        deadline = time.monotonic() + 30
        while not all(f.exists() and f.read_text() for f in pidfiles):
            assert parent.poll() is None, "supervisor stopped before its children started"
            assert time.monotonic() < deadline, "children did not start"
            time.sleep(0.05)
        pids = [int(f.read_text()) for f in pidfiles]
        assert all(_alive(pid) for pid in pids)
        parent.send_signal(sig)
        parent.wait(timeout=30)
        assert parent.returncode == 0
        assert "gestart" in out.read_text()
        assert not [pid for pid in pids if _alive(pid)]
    finally:
        if parent.poll() is None:
            parent.kill()
        for f in pidfiles:
            if f.exists() and f.read_text() and _alive(int(f.read_text())):
                os.kill(int(f.read_text()), signal.SIGKILL)
