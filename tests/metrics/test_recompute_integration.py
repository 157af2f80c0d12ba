"""The recompute on the real services: a Celery worker fed through Redis, PostgreSQL's locks.

The worker runs in a thread of the test process (celery.contrib.testing) with the project's
Celery app, consuming the Redis broker CI points CELERY_BROKER_URL at, and writes to the same
PostgreSQL test database; transactional tests make every write visible to it.
"""

import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone
from kombu import Queue

from feedback.models import Survey, SurveyResponse
from metrics import services
from metrics.models import RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from tests.feedback.factories import SurveyFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FINISH_WITHIN_SECONDS = 60


@pytest.fixture
def worker(require_postgres_and_redis: Any, settings: Any) -> Iterator[None]:
    """Run a real Celery worker on the Redis broker for the test's duration.

    Tasks travel on a queue of this test process only: another pytest-xdist worker, with a test
    database of its own, never takes them.
    """
    from loyaltyqms.celery import app

    # One queue per pytest-xdist worker ("main" without xdist): a bounded set of names, as
    # Redis keeps a small binding key for each queue it has seen.
    queue = f"loyaltyqms-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue  # where delay() sends every task of the project
    try:
        # The broker is CELERY_BROKER_URL: the Redis the fixture checked. Drop what an earlier,
        # failed test of this process left on the queue.
        with app.connection_for_write() as connection:
            Queue(queue, channel=connection.default_channel).purge()
        with start_worker(
            app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=20
        ):
            yield
    finally:
        app.conf.task_always_eager = eager
        app.conf.task_default_queue = default_queue


def responses(survey: Survey, scores: list[int], month: int) -> None:
    """Store answers to a survey in a month of 2026."""
    for score in scores:
        SurveyResponse.objects.create(
            survey=survey,
            score=score,
            responded_at=timezone.make_aware(datetime(2026, month, 10, 12)),
        )


def wait_for(run: RecomputeRun) -> RecomputeRun:
    """Poll until the run has finished (or fail after FINISH_WITHIN_SECONDS)."""
    deadline = time.monotonic() + FINISH_WITHIN_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status != RecomputeRun.Status.RUNNING:
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run.pk} still running after {FINISH_WITHIN_SECONDS} s: {run.pending} left")


def test_the_worker_recomputes_through_redis_into_postgresql(worker: None) -> None:
    """A run queues one task per indicator on Redis; the worker fills PostgreSQL's snapshots."""
    survey = Survey.objects.create(name="Relationship NPS", kind="nps", question="?")
    responses(survey, [10, 9, 3, 8], month=2)
    responses(survey, [10, 10, 9, 0, 7], month=3)
    nps = services.indicator_create(
        code="nps",
        name="NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        grain="month",
    )
    csat = services.indicator_create(
        code="csat",
        name="CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        grain="month",
    )
    SurveyResponse.objects.create(survey=SurveyFactory.create(kind=Survey.Kind.CSAT), score=4)

    run = wait_for(recompute_start(mode="incremental", trigger="schedule"))

    assert run.status == RecomputeRun.Status.SUCCEEDED, run.error
    assert run.indicators == 2
    assert run.pending == 0
    assert list(
        Snapshot.objects.filter(indicator=nps).order_by("period").values_list("value", flat=True)
    ) == [pytest.approx(25.0), pytest.approx(40.0)]
    assert Snapshot.objects.filter(indicator=csat, value=100.0).count() == 1
    assert connection.vendor == "postgresql"


def test_two_runs_started_together_do_the_work_once(worker: None) -> None:
    """Two schedulers firing at once: one run does the work, the other is recorded as skipped."""
    survey = Survey.objects.create(name="Relationship NPS", kind="nps", question="?")
    responses(survey, [10, 9, 3], month=4)
    services.indicator_create(
        code="nps",
        name="NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        grain="month",
    )
    barrier = threading.Barrier(2)
    started: list[RecomputeRun] = []

    def start() -> None:
        try:
            barrier.wait()
            started.append(recompute_start(mode="incremental", trigger="schedule"))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = [wait_for(run) for run in started]

    statuses = sorted(run.status for run in finished)
    assert statuses == [RecomputeRun.Status.SKIPPED, RecomputeRun.Status.SUCCEEDED]
    assert sum(run.cells for run in finished) == 1
    assert Snapshot.objects.count() == 1
