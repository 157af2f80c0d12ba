"""The recompute on the real services: a Celery worker fed through Redis, PostgreSQL's locks.

The worker runs in a thread of the test process (celery.contrib.testing) with the project's
Celery app, consuming the Redis broker CI points CELERY_BROKER_URL at, and writes to the same
PostgreSQL test database; transactional tests make every write visible to it.
"""

import threading
import time
from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone

from feedback.models import Survey, SurveyResponse
from metrics import services
from metrics.models import RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from tests.feedback.factories import SurveyFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FINISH_WITHIN_SECONDS = 60


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


def test_the_worker_recomputes_through_redis_into_postgresql(celery_worker: None) -> None:
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


def test_two_runs_started_together_do_the_work_once(celery_worker: None) -> None:
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
