"""Real brokers and real worker processes for the background-work tests.

The PostgreSQL broker (schema ``dramatiq`` in the session's database) is always used;
RabbitMQ too when ``RABBITMQ_URL`` is set and Redis when ``REDIS_URL`` is (`.ci/run` sets
them when the machine's shared brokers answer). Workers are ``casushub worker`` child
processes with short heartbeat and backoff settings, stopped (or killed) by the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dramatiq import Broker
from workerkit import ROOT, StartWorker, WorkerProcess, broker_settings, child_env, wait_for_line

from casushub.platform.settings import Settings
from casushub.workers.broker import configure


def _broker_kinds() -> list[Any]:
    def extern(kind: str, variable: str, naam: str) -> Any:
        return pytest.param(
            kind,
            marks=pytest.mark.skipif(
                not os.environ.get(variable),
                reason=f"{variable} is niet gezet: de {naam}-variant wordt overgeslagen",
            ),
        )

    return [
        "postgres",
        extern("rabbitmq", "RABBITMQ_URL", "RabbitMQ"),
        extern("redis", "REDIS_URL", "Redis"),
    ]


@pytest.fixture(params=_broker_kinds())
def broker_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def broker(settings: Settings) -> Broker:
    """The PostgreSQL broker in the test process, with the probe actors declared."""
    return _configure(broker_settings(settings, "postgres"))


@pytest.fixture
def any_broker(settings: Settings, broker_kind: str) -> Iterator[tuple[str, Broker]]:
    current = _configure(broker_settings(settings, broker_kind))
    if broker_kind != "postgres":
        # Leftovers from an earlier run on the shared server would belong to another database.
        current.flush_all()
    yield broker_kind, current
    if broker_kind != "postgres":
        _configure(broker_settings(settings, "postgres"))


def _configure(settings: Settings) -> Broker:
    broker = configure(settings)
    import probe_actors  # noqa: F401 - declares the probe actors on the broker

    for actor in list(broker.actors.values()):
        broker.declare_actor(actor)
    return broker


@pytest.fixture
def start_worker(settings: Settings) -> Iterator[StartWorker]:
    started: list[WorkerProcess] = []

    def start(kind: str = "postgres", **extra: str) -> WorkerProcess:
        env = child_env(broker_settings(settings, kind), **extra)
        process = subprocess.Popen(
            [sys.executable, "-m", "casushub", "worker", "probe_actors"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        worker = WorkerProcess(process)
        started.append(worker)
        wait_for_line(process, "casushub worker gestart")
        worker.drain()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def wait_line() -> Callable[[subprocess.Popen[str], str], str]:
    wait: Callable[[subprocess.Popen[str], str], str] = wait_for_line
    return wait
