"""The bench's fan-out figure: the same full recompute on one and on two Celery worker processes.

A run is one task per indicator (after one refreshing the per-day answer counts), so more worker
processes share it. The bench starts a real worker (`celery -A loyaltyqms worker`, prefork, as
compose runs it) on the bench database and a Redis broker, on a queue of its own, has this
process start a full run as the nightly beat would, and waits for the run to end; the run's own
start and finish times are the figure. Each worker process's peak memory (the kernel's
high-water mark of its resident set) is read before the worker stops.
"""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from celery import current_app
from django.conf import settings
from kombu import Queue

from metrics.models import RecomputeRun
from metrics.recompute import recompute_start

from .pages import _database_url

QUEUE = "loyaltyqms-bench"
READY_WITHIN_SECONDS = 60
RUN_WITHIN_SECONDS = 3_600


@dataclass(frozen=True)
class WorkerRun:
    """One full run on a worker of `processes` processes."""

    processes: int
    seconds: float
    peak_mb: list[float]  # each pool process's peak resident memory


def broker_reachable(broker: str) -> bool:
    """Return True when the Redis broker answers."""
    client = redis.Redis.from_url(broker, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _peak_mb(pid: int) -> list[float]:
    """Return the peak resident memory (VmHWM) of a process's children, in MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    peaks = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


@contextmanager
def worker_serving(processes: int, broker: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run a Celery worker of `processes` pool processes on this database and the bench's queue;
    yield it once ready, stop it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="loyaltyqms-bench-worker-"))
    log = folder / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # What the worker queues (a run's indicator items) goes onto the bench's queue too.
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "VAR_DIR": str(folder / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "loyaltyqms",
        "worker",
        "--queues",
        QUEUE,
        "--concurrency",
        str(processes),
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The bench's worker did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


@contextmanager
def _publishing_to(broker: str) -> Iterator[None]:
    """Send this process's tasks to the broker's bench queue instead of running them here."""
    app = current_app
    names = ("task_always_eager", "task_default_queue")
    before = {name: app.conf[name] for name in names}
    # Celery reads the broker from this variable before its settings, whatever they say.
    environment_broker = os.environ.get("CELERY_BROKER_URL")
    app.conf.update(task_always_eager=False, task_default_queue=QUEUE)
    os.environ["CELERY_BROKER_URL"] = broker
    _forget_connections(app)
    try:
        with app.connection_for_write() as connection:
            Queue(QUEUE, channel=connection.default_channel).purge()
        yield
    finally:
        app.conf.update(before)
        if environment_broker is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = environment_broker
        _forget_connections(app)


def _forget_connections(app: Any) -> None:
    """Drop the app's pools of broker connections and producers, made for the broker it used
    before: the next message opens one to the broker now configured (as Celery does after a
    fork)."""
    app._pool = None
    app.amqp._producer_pool = None


def full_run_on_workers(
    processes: int, broker: str, *, within: float = RUN_WITHIN_SECONDS
) -> WorkerRun:
    """Time a full recompute done by a worker of `processes` processes (at most `within`
    seconds)."""
    with _publishing_to(broker), worker_serving(processes, broker) as worker:
        run = recompute_start(mode=RecomputeRun.Mode.FULL, trigger=RecomputeRun.Trigger.COMMAND)
        deadline = time.monotonic() + within
        while run.status == RecomputeRun.Status.RUNNING:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Run {run.pk} did not end within {within:.0f} s")
            time.sleep(0.2)
            run.refresh_from_db()
        peaks = _peak_mb(worker.pid)
    if run.status != RecomputeRun.Status.SUCCEEDED or run.finished_at is None:
        raise RuntimeError(f"The run on {processes} worker process(es) ended {run.status}")
    return WorkerRun(processes, (run.finished_at - run.started_at).total_seconds(), peaks)
