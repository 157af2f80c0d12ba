"""The recompute refreshes the survey pages' day counts for the days whose answers changed."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from core.models import SourceChange
from feedback.models import Survey, SurveyDay, SurveyResponse
from metrics.models import RecomputeRun
from metrics.recompute import recompute_start
from tests.feedback.day_counts import answered_days, counted_days
from tests.feedback.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings: Any) -> Iterator[None]:
    """Run the run's tasks inline, as `make run` without a worker would."""
    from loyaltyqms.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def run(django_capture_on_commit_callbacks: Any, *, full: bool = False) -> RecomputeRun:
    """Start a run and execute the tasks it queues after commit; return the finished run."""
    mode = RecomputeRun.Mode.FULL if full else RecomputeRun.Mode.INCREMENTAL
    with django_capture_on_commit_callbacks(execute=True):
        started = recompute_start(mode=mode, trigger=RecomputeRun.Trigger.COMMAND)
    started.refresh_from_db()
    return started


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def test_nightly_run_refreshes_the_days_of_answers_written_around_the_services(
    eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A shell or a SQL fix writes answers without the services: the nightly run counts them."""
    survey = SurveyFactory.create(kind=Survey.Kind.NPS)
    kept = ResponseFactory.create(survey=survey, score=10)
    SurveyResponse.objects.create(survey=survey, score=3, responded_at=days_ago(40))
    moved = SurveyResponse.objects.create(survey=survey, score=8, responded_at=days_ago(200))
    moved.responded_at, moved.score = days_ago(2), 0
    moved.save()  # a late edit: both its old day and its new one change
    SurveyResponse.objects.filter(pk=kept.pk).get().delete()
    assert counted_days() != answered_days()

    finished = run(django_capture_on_commit_callbacks)

    assert finished.status == RecomputeRun.Status.SUCCEEDED
    assert counted_days() == answered_days()
    assert not SourceChange.objects.exists()


def test_full_run_rebuilds_every_survey_day(
    eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    survey = SurveyFactory.create(kind=Survey.Kind.CES)
    for score in (1, 4, 7):
        ResponseFactory.create(survey=survey, score=score)
    SurveyDay.objects.update(scored_7=0, scored_6=1)  # counts gone wrong somehow

    finished = run(django_capture_on_commit_callbacks, full=True)

    assert finished.status == RecomputeRun.Status.SUCCEEDED
    assert counted_days() == answered_days()


def test_a_failing_refresh_fails_the_run_and_keeps_the_changes_for_the_next(
    eager: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = SurveyFactory.create(kind=Survey.Kind.CSAT)
    SurveyResponse.objects.create(survey=survey, score=5, responded_at=days_ago(3))

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr("metrics.recompute.survey_days_refresh_ranges", broken)
    failed = run(django_capture_on_commit_callbacks)
    monkeypatch.undo()
    retried = run(django_capture_on_commit_callbacks)

    assert failed.status == RecomputeRun.Status.FAILED
    assert "database went away" in failed.error
    assert retried.status == RecomputeRun.Status.SUCCEEDED
    assert counted_days() == answered_days()
