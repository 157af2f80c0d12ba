"""Faults the recompute and the app survive on the real services (issue 13, point 10).

The worker is a process of its own (`celery -A loyaltyqms worker`, prefork, as compose runs it)
on Redis and on this test's PostgreSQL database, so that it can be killed with SIGKILL as the
kernel's out-of-memory killer or an operator would; the web server is gunicorn, whose database
connections persist across requests as in production. The heartbeat is scaled down (a beat a
second, dead after three silent seconds) so that each test takes seconds, not minutes.
"""

import contextlib
import json
import os
import random
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from kombu import Queue
from rest_framework.authtoken.models import Token

from core.heartbeat import beating
from journeys.models import Touchpoint
from metrics import services, tasks
from metrics.models import Indicator, RecomputeItem, RecomputeRun, Snapshot
from metrics.recompute import recompute_recover, recompute_start
from tests.conftest import ServiceUrls
from tests.core.factories import UserFactory
from tests.deploy.test_processes import VENV_BIN, free_port, with_path
from tests.metrics.test_recompute import define_indicators, seed_sources, snapshot_table

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Deadlines for a loaded CI machine; a passing test takes seconds.
READY_WITHIN_SECONDS = 90
FINISH_WITHIN_SECONDS = 120
STALE_AFTER_SECONDS = 3  # the watchdog's window, scaled down from three minutes
POLL_SECONDS = 0.01
OUTPUT_LINES = 60

Table = dict[tuple[str, date], tuple[Any, ...]]


@dataclass
class Process:
    """A process the test started in a session of its own, with the file its output goes to."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Return the last lines the process wrote."""
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(lines[-OUTPUT_LINES:])

    def signal(self, number: int) -> None:
        """Signal the process and its children (a prefork worker's pool, gunicorn's workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def kill(self) -> None:
        """SIGKILL the process and its children at once: nothing acknowledges or cleans up."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process gently, then forcibly."""
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Stack:
    """Worker and web processes on this test's database, and the queue the test publishes to."""

    environment: dict[str, str]
    directory: Path
    queue: str
    processes: list[Process] = field(default_factory=list)

    def _start(self, name: str, command: list[str], ready: Callable[[Process], bool]) -> Process:
        log = self.directory / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                command,
                env=self.environment,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = Process(name, popen, log)
        self.processes.append(started)
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline:
            assert popen.poll() is None, f"{name} exited early:\n{started.output()}"
            if ready(started):
                return started
            time.sleep(0.1)
        pytest.fail(f"{name} not ready within {READY_WITHIN_SECONDS} s:\n{started.output()}")

    def worker(self, concurrency: int = 1) -> Process:
        """Start a Celery worker consuming the test's queue; return once it is ready."""
        name = f"worker{len(self.processes)}"
        command = [
            str(VENV_BIN / "celery"),
            "-A",
            "loyaltyqms",
            "worker",
            "--queues",
            self.queue,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        return self._start(name, command, lambda process: " ready." in process.output())

    def web(self) -> tuple[Process, str]:
        """Start gunicorn with two workers; return it and its base URL once it answers."""
        base_url = f"http://127.0.0.1:{free_port()}"
        command = [
            str(VENV_BIN / "gunicorn"),
            "loyaltyqms.wsgi:application",
            "--bind",
            base_url.removeprefix("http://"),
            "--workers",
            "2",
        ]
        web = self._start("web", command, lambda _process: answers(f"{base_url}/healthz"))
        return web, base_url

    def stop(self) -> None:
        """Stop every process the test started."""
        for process in self.processes:
            process.stop()


def answers(url: str) -> bool:
    """Return True when the URL answers at all (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def forget_unacknowledged(broker_url: str, queue: str) -> None:
    """Drop the killed worker's unacknowledged messages of the queue from Redis.

    Redis would hand them back after the visibility timeout, to whichever later test consumes
    a queue of this name, against another database.
    """
    client = redis.Redis.from_url(broker_url)
    try:
        for tag, payload in client.hgetall("unacked").items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


@pytest.fixture
def stack(
    require_postgres_and_redis: ServiceUrls, tmp_path: Path, settings: Any
) -> Iterator[Stack]:
    """Processes on this test's database; the test process publishes onto their queue.

    Every process is stopped, and the queue emptied, afterwards.
    """
    from loyaltyqms.celery import app

    # One queue per pytest-xdist worker, as tests/conftest.py's celery_worker has.
    queue = f"loyaltyqms-faults-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    database = connection.settings_dict["NAME"]
    broker_url = require_postgres_and_redis.broker_url
    environment = {
        **os.environ,
        "DATABASE_URL": with_path(require_postgres_and_redis.database_url, f"/{database}"),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # What the worker sends (a run's items, alerts) goes onto the test's queue too.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path / "var"),
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_STALE_AFTER_SECONDS": str(STALE_AFTER_SECONDS),
        "XDG_RUNTIME_DIR": str(tmp_path),  # gunicorn's control socket, not in ~/.gunicorn
        "PYTHONUNBUFFERED": "1",
    }
    settings.JOB_STALE_AFTER_SECONDS = STALE_AFTER_SECONDS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    with app.connection_for_write() as broker:
        Queue(queue, channel=broker.default_channel).purge()
    started = Stack(environment, tmp_path, queue)
    try:
        yield started
    finally:
        started.stop()
        app.conf.task_always_eager = eager
        app.conf.task_default_queue = default_queue
        with app.connection_for_write() as broker:
            Queue(queue, channel=broker.default_channel).purge()
        forget_unacknowledged(broker_url, queue)


@contextlib.contextmanager
def eager_tasks() -> Iterator[None]:
    """Run the tasks in this process while the block runs, as `make run` without a worker."""
    from loyaltyqms.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture
def world(colleague: User, touchpoint: Touchpoint, delivery: Touchpoint) -> Table:
    """Eighteen indicators over every kind of source, the snapshots one uninterrupted full run
    gives them (run in this process), and no snapshot left: the next run writes every cell."""
    indicators = define_indicators(delivery)
    seed_sources(colleague, [touchpoint, delivery], random.Random(7), indicators)
    with eager_tasks():
        run = recompute_start(mode="full", trigger="command")
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.SUCCEEDED, run.error
    reference = snapshot_table()
    Snapshot.objects.all().delete()
    Indicator.objects.update(needs_full_recompute=True)
    return reference


def wait_until(
    condition: Callable[[], Any], what: str, within: float = FINISH_WITHIN_SECONDS
) -> Any:
    """Poll until the condition returns something true, and return it; fail after `within` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if outcome := condition():
            return outcome
        time.sleep(POLL_SECONDS * 10)
    pytest.fail(f"not within {within} s: {what}")


def finished(run: RecomputeRun) -> RecomputeRun:
    """Wait for the run to leave "running" and return it."""

    def done() -> bool:
        run.refresh_from_db()
        return run.status != RecomputeRun.Status.RUNNING

    wait_until(done, f"run {run.pk} finished ({run.pending} to go)")
    return run


class Reader(threading.Thread):
    """Read the snapshots again and again while the recompute writes them, as a page would.

    Each read is one query, so it sees one committed state. An indicator must show either none
    of its periods or all of them with their final values, never some written and some not.
    """

    def __init__(self, reference: Table) -> None:
        super().__init__(name="snapshot-reader", daemon=True)
        self.expected: dict[str, Table] = defaultdict(dict)
        for key, values in reference.items():
            self.expected[key[0]][key] = values
        self.stop = threading.Event()
        self.half_written: list[str] = []
        self.complete_counts: set[int] = set()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                seen: dict[str, Table] = defaultdict(dict)
                for key, values in snapshot_table().items():
                    seen[key[0]][key] = values
                for code, rows in seen.items():
                    if rows != self.expected[code]:
                        self.half_written.append(
                            f"{code}: {len(rows)} of {len(self.expected[code])}"
                        )
                self.complete_counts.add(len(seen))
                time.sleep(POLL_SECONDS)
        finally:
            connection.close()


def test_a_worker_killed_mid_recompute_is_taken_over_and_the_run_completes_as_if_never_killed(
    stack: Stack, world: Table
) -> None:
    """SIGKILL of the worker during a full recompute leaves the run "running" with work to go;
    the watchdog takes it over within seconds of the heartbeat's silence, the run resuming it
    completes on a new worker (which drops the dead run's queued tasks), the snapshots equal an
    uninterrupted run's, and no reader ever saw an indicator half written.

    The new worker starts after the takeover: started before it, it would finish the dead run's
    queued items itself, and a worker killed between two items (nothing in flight) leaves it
    nothing to take over, as the run then completes on its own.
    """
    first = stack.worker()
    reader = Reader(world)
    reader.start()
    try:
        run = recompute_start(mode="full", trigger="command")
        items = run.items.count()

        def midway() -> bool:
            run.refresh_from_db()
            if run.pending < 3:
                pytest.fail(f"the run got too far to be killed halfway ({run.pending} to go)")
            return items - run.pending >= 2

        wait_until(midway, "the run halfway")
        first.kill()
        run.refresh_from_db()
        left = run.pending
        successor = wait_until(recompute_recover, "the watchdog's takeover")[0]
        stack.worker()
        finished(successor)
    finally:
        reader.stop.set()
        reader.join()

    run.refresh_from_db()
    assert 0 < left < items
    assert run.status == RecomputeRun.Status.INTERRUPTED
    assert run.error.startswith("The worker stopped at "), run.error
    assert f"the remaining work was queued again as run #{successor.pk}." in run.error
    assert successor.status == RecomputeRun.Status.SUCCEEDED, successor.error
    assert successor.resumes == run
    assert snapshot_table() == world
    assert reader.half_written == []
    assert any(0 < count < len(reader.expected) for count in reader.complete_counts), (
        "the reader never saw the run between two indicators"
    )
    assert recompute_recover() == []


def test_two_recomputes_dispatched_at_once_do_the_work_once(stack: Stack, world: Table) -> None:
    """Two nightly tasks at the same moment on two worker processes: one run does the work, the
    other is recorded as skipped; and every item's task delivered a second time (a redelivery)
    finds its work done or being done, so each cell is written once."""
    stack.worker(concurrency=2)

    tasks.recompute_nightly_task.delay()
    tasks.recompute_nightly_task.delay()
    nightly = RecomputeRun.objects.filter(trigger=RecomputeRun.Trigger.SCHEDULE)
    wait_until(lambda: nightly.count() == 2, "both nightly tasks started")
    for item in RecomputeItem.objects.filter(run__in=nightly.exclude(status="skipped")):
        tasks.recompute_item_task.delay(item.pk)  # delivered a second time
    outcomes = [finished(run) for run in nightly]

    assert sorted(run.status for run in outcomes) == ["skipped", "succeeded"]
    (done,) = [run for run in outcomes if run.status == RecomputeRun.Status.SUCCEEDED]
    assert done.cells == len(world)
    assert snapshot_table() == world
    assert set(done.items.values_list("attempts", flat=True)) <= {1, 2}


def backends(database_url: str, database: str) -> int:
    """Return how many connections to the database there are, but the one asking."""
    with psycopg.connect(with_path(database_url, "/postgres"), autocommit=True) as admin:
        found = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()
    return int(found[0]) if found else 0


def terminate_backends(database_url: str, database: str) -> int:
    """End every connection to the database but the one asking, as a PostgreSQL restart would;
    return how many were ended."""
    with psycopg.connect(with_path(database_url, "/postgres"), autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()
    return int(ended[0]) if ended else 0


@dataclass
class Answer:
    """One request of the traffic: when it started and how it was answered."""

    started: float
    status: int


def test_the_app_recovers_when_postgresql_drops_every_connection(
    stack: Stack, require_postgres_and_redis: ServiceUrls
) -> None:
    """PostgreSQL ends every connection of the database (as a restart does) while gunicorn and
    the worker hold theirs: each request that starts afterwards is answered, and the next
    recompute runs, with no process restarted (conn_health_checks reconnects)."""
    manager = UserFactory.create(is_superuser=True, is_staff=True)
    token = Token.objects.create(user=manager).key
    survey_indicator()
    stack.worker()
    _web, base_url = stack.web()
    answers_seen: list[Answer] = []
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            started = time.monotonic()
            request = urllib.request.Request(
                f"{base_url}/api/v1/recompute-runs/", headers={"Authorization": f"Token {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0  # no answer at all
            answers_seen.append(Answer(started, status))

    before = finished(recompute_start(mode="full", trigger="command"))
    client = threading.Thread(target=traffic, daemon=True)
    client.start()
    try:
        wait_until(lambda: len(answers_seen) >= 5, "traffic flowing")
        database = connection.settings_dict["NAME"]
        # The traffic may not have reached both gunicorn workers yet: wait until the
        # connections a restart would end are all open.
        wait_until(
            lambda: backends(require_postgres_and_redis.database_url, database) >= 3,
            "gunicorn's workers and the Celery worker connected",
        )
        ended = terminate_backends(require_postgres_and_redis.database_url, database)
        after_restart = time.monotonic()
        connection.close()  # this process's own connection was ended too
        wait_until(
            lambda: sum(answer.started > after_restart for answer in answers_seen) >= 10,
            "ten requests after the restart",
        )
        after = finished(recompute_start(mode="full", trigger="command"))
    finally:
        stop.set()
        client.join(timeout=15)

    later = [answer.status for answer in answers_seen if answer.started > after_restart]
    assert before.status == RecomputeRun.Status.SUCCEEDED
    assert ended >= 3  # gunicorn's two workers and the Celery worker at least
    assert len(later) >= 10
    assert set(later) == {200}, later
    assert after.status == RecomputeRun.Status.SUCCEEDED, after.error


def survey_indicator() -> Indicator:
    """Define a monthly NPS indicator (no answers needed: the run still does its work)."""
    return services.indicator_create(
        code="nps",
        name="NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        grain="month",
    )


def test_watchdogs_running_together_take_a_dead_run_over_once(stack: Stack) -> None:
    """Four watchdogs at the same instant (beat's and three starts'): the run is locked and
    checked again under the lock, so one resuming run is made and its work queued once."""
    survey_indicator()
    run = recompute_start(mode="full", trigger="command")  # no worker: it never moves
    later = timezone.now() + timedelta(minutes=10)
    barrier = threading.Barrier(4)
    resumed: list[RecomputeRun] = []

    def watchdog() -> None:
        try:
            barrier.wait()
            resumed.extend(recompute_recover(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=watchdog) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(resumed) == 1
    assert RecomputeRun.objects.filter(resumes=run).count() == 1
    assert RecomputeItem.objects.filter(run=resumed[0]).count() == run.items.count()


def test_the_heartbeat_beats_while_a_long_task_works_and_stops_with_it(
    require_postgres_and_redis: ServiceUrls, settings: Any
) -> None:
    """A task busy in one long computation still shows signs of life; once it ends (or its
    process dies) the beats stop and the heartbeat ages."""
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    run = RecomputeRun.objects.create(mode="full", trigger="command")
    rows = RecomputeRun.objects.filter(pk=run.pk, status=RecomputeRun.Status.RUNNING)

    with beating(rows):
        time.sleep(1)  # one long computation, no write of its own
        run.refresh_from_db()
        beat_during = run.heartbeat_at
    time.sleep(0.5)
    run.refresh_from_db()

    assert beat_during is not None
    assert beat_during > run.started_at + timedelta(seconds=0.5)
    assert run.heartbeat_at == beat_during
