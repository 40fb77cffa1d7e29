"""``casushub worker``: one worker process with a pool of threads.

Scale out by running more processes (replicas); each has its own heartbeat, so a process
that dies has its unfinished messages handed to the others.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from typing import TYPE_CHECKING

from dramatiq import Worker

from casushub.workers.broker import configure
from casushub.workers.heartbeat import heartbeat_path, touch

if TYPE_CHECKING:
    from types import FrameType

    from casushub.platform.settings import Settings

__all__ = ["HEARTBEAT_SECONDS", "run_worker", "threads_alive"]

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0


def threads_alive(worker: Worker) -> bool:
    """Every consumer and worker thread still runs (a dead one would silently stop work)."""
    threads = [*worker.consumers.values(), *worker.workers]
    return bool(threads) and all(thread.is_alive() for thread in threads)


def run_worker(
    settings: Settings, *, threads: int | None = None, modules: tuple[str, ...] = ()
) -> int:
    broker = configure(settings)
    for module in modules:
        importlib.import_module(module)
    worker = Worker(broker, worker_threads=threads or settings.worker_threads, worker_timeout=200)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("worker stopping", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker.start()
    log.info(
        "worker started",
        extra={"actors": sorted(broker.actors), "threads": threads or settings.worker_threads},
    )
    # Tests and `make dev` wait for this line.
    print("casushub worker gestart", flush=True)
    heartbeat = heartbeat_path(settings, "worker")
    try:
        # The pod's probes read the heartbeat file's age: it stops when a thread died.
        while True:
            if threads_alive(worker):
                touch(heartbeat)
            else:
                log.error("worker thread stopped; heartbeat withheld so the pod is restarted")
            if stop.wait(HEARTBEAT_SECONDS):
                break
    finally:
        worker.stop(timeout=20_000)
        broker.close()
    return 0
