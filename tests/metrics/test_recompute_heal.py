"""A recompute that heals itself: items done once however often delivered, dead runs taken over.

The worker's death is played here by leaving a run's work undone and its heartbeat old; the
real kill (SIGKILL of a worker process) is in test_recompute_faults.py.
"""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import SourceChange
from feedback.models import Survey, SurveyResponse
from metrics import services, tasks
from metrics.models import Indicator, RecomputeItem, RecomputeRun, Snapshot
from metrics.recompute import MAX_ATTEMPTS, recompute_item, recompute_recover, recompute_start
from tests.feedback.factories import SurveyFactory

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=10)  # well past JOB_STALE_AFTER_SECONDS


@pytest.fixture
def indicators(db: None) -> list[Indicator]:
    """Two survey indicators with answers in two months of 2026."""
    survey = SurveyFactory.create(kind=Survey.Kind.CSAT)
    for month, scores in ((2, [5, 4, 2]), (3, [5, 1])):
        for score in scores:
            SurveyResponse.objects.create(
                survey=survey,
                score=score,
                responded_at=timezone.make_aware(datetime(2026, month, 10, 12)),
            )
    return [
        services.indicator_create(
            code=code,
            name=code,
            kind="lagging",
            stakeholder_group="customers",
            computation="csat",
            grain=grain,
        )
        for code, grain in (("csat-month", "month"), ("csat-week", "week"))
    ]


def start_without_running(django_capture_on_commit_callbacks: Any, **options: Any) -> RecomputeRun:
    """Start a full run and keep its queued tasks from running, as with no worker up."""
    with django_capture_on_commit_callbacks(execute=False):
        run = recompute_start(mode="full", trigger="command", **options)
    return run


def snapshots() -> list[tuple[Any, ...]]:
    """Return every snapshot's indicator, period and cell values."""
    return list(
        Snapshot.objects.order_by("indicator__code", "period").values_list(
            "indicator__code", "period", "value", "n", "rows", "center", "ucl", "lcl"
        )
    )


def test_each_item_task_delivered_twice_does_its_work_once(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """A redelivered task (acks_late, a lost worker) finds its item finished and does nothing:
    the run counts each indicator's cells once and its snapshots are a single pass's."""
    run = start_without_running(django_capture_on_commit_callbacks)
    items = list(run.items.all())

    written, again = [], []
    for item in items:
        written.append(recompute_item(item.pk))
        again.append(recompute_item(item.pk))  # while the run still runs

    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.SUCCEEDED
    assert sum(again) == 0
    assert run.cells == sum(written) == Snapshot.objects.count() > 0
    assert [item.attempts for item in run.items.all()] == [1] * len(items)


def test_the_item_tasks_are_acknowledged_late_and_come_back_when_their_worker_is_lost() -> None:
    """Celery keeps a recompute task on the broker until it ends, and requeues it when the
    process running it dies: safe, as the test above shows it idempotent."""
    assert tasks.recompute_item_task.acks_late
    assert tasks.recompute_item_task.reject_on_worker_lost


def test_the_watchdog_leaves_a_run_with_a_recent_heartbeat_alone(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """A run whose tasks are still working (a fresh heartbeat) is not taken for dead."""
    run = start_without_running(django_capture_on_commit_callbacks)

    resumed = recompute_recover()

    run.refresh_from_db()
    assert resumed == []
    assert run.status == RecomputeRun.Status.RUNNING


def test_a_dead_run_is_interrupted_and_its_remaining_work_resumed_once(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """The watchdog says when and with what left the worker stopped, queues only the unfinished
    items in a new run, and a second watchdog finds nothing more to do."""
    run = start_without_running(django_capture_on_commit_callbacks)
    recompute_item(run.items.get(kind="survey_days").pk)  # phase one done
    first = run.items.get(indicator=indicators[0])
    recompute_item(first.pk)  # one indicator done before the worker died

    with django_capture_on_commit_callbacks(execute=True):
        resumed = recompute_recover(now=timezone.now() + LATER)
    again = recompute_recover(now=timezone.now() + LATER)

    run.refresh_from_db()
    (successor,) = resumed
    successor.refresh_from_db()
    assert run.status == RecomputeRun.Status.INTERRUPTED
    assert run.taken_over_by == successor
    assert run.error.startswith("The worker stopped at ")
    assert (
        "(no heartbeat for 10 min) with 1 of 2 indicators to go; "
        f"the remaining work was queued again as run #{successor.pk}."
    ) in run.error
    assert again == []
    assert (successor.resumes, successor.attempt) == (run, 2)
    assert list(successor.items.values_list("indicator", flat=True)) == [indicators[1].pk]
    assert successor.status == RecomputeRun.Status.SUCCEEDED
    assert {code for code, *_rest in snapshots()} == {"csat-month", "csat-week"}


def test_a_resumed_run_gives_the_snapshots_of_an_uninterrupted_one(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """Re-running a partly done run's remaining work (the interrupted task included, whose
    transaction rolled back) gives the same snapshots as one pass."""
    with django_capture_on_commit_callbacks(execute=True):
        recompute_start(mode="full", trigger="command")
    uninterrupted = snapshots()
    Snapshot.objects.all().delete()
    run = start_without_running(django_capture_on_commit_callbacks)
    recompute_item(run.items.get(kind="survey_days").pk)
    recompute_item(run.items.get(indicator=indicators[1]).pk)

    with django_capture_on_commit_callbacks(execute=True):
        recompute_recover(now=timezone.now() + LATER)

    assert snapshots() == uninterrupted


def test_the_survey_indicators_wait_for_the_day_counts_even_across_a_takeover(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """The survey indicators are summed from the day counts, so their tasks are queued only when
    the refresh of those has committed: a stray early delivery does nothing, a run that died
    before the refresh resumes with its indicators still waiting, and the snapshots are a
    single pass's."""
    with django_capture_on_commit_callbacks(execute=True):
        recompute_start(mode="full", trigger="command")
    uninterrupted = snapshots()
    Snapshot.objects.all().delete()
    run = start_without_running(django_capture_on_commit_callbacks)
    early = run.items.get(indicator=indicators[0])

    written = recompute_item(early.pk)

    early.refresh_from_db()
    assert (written, early.attempts, early.finished_at) == (0, 0, None)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        (successor,) = recompute_recover(now=timezone.now() + LATER)
    waiting = dict(successor.items.values_list("kind", "waiting").order_by("kind"))
    assert waiting == {"indicator": True, "survey_days": False}
    assert len(queued) == 1  # the refresh alone; the indicators wait for it

    with django_capture_on_commit_callbacks(execute=True):
        recompute_item(successor.items.get(kind="survey_days").pk)

    successor.refresh_from_db()
    assert successor.status == RecomputeRun.Status.SUCCEEDED
    assert snapshots() == uninterrupted


def test_a_late_task_of_an_interrupted_run_does_nothing(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """The dead worker's task, delivered again after the takeover, leaves the work to the run
    that resumed it: nothing is written twice, and the interrupted run stays as it was."""
    run = start_without_running(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        recompute_recover(now=timezone.now() + LATER)
    late = run.items.get(indicator=indicators[0])

    written = recompute_item(late.pk)

    late.refresh_from_db()
    run.refresh_from_db()
    assert written == 0
    assert late.finished_at is None
    assert run.status == RecomputeRun.Status.INTERRUPTED
    assert not Snapshot.objects.exists()


def test_the_changes_a_dead_run_claimed_pass_to_the_run_resuming_it(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """An incremental run's claimed changes are the resuming run's, consumed when it succeeds."""
    with django_capture_on_commit_callbacks(execute=False):
        run = recompute_start(mode="incremental", trigger="schedule")
    claimed = SourceChange.objects.filter(claimed_by=run.pk).count()

    with django_capture_on_commit_callbacks(execute=False):
        (successor,) = recompute_recover(now=timezone.now() + LATER)

    assert claimed > 0
    assert SourceChange.objects.filter(claimed_by=successor.pk).count() == claimed
    assert successor.changes_claimed == claimed


def test_a_run_that_keeps_losing_its_worker_is_given_up_and_left_to_the_next(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """After MAX_ATTEMPTS takeovers the watchdog stops queueing: it releases the changes and
    marks the indicators left for a full recompute, so that the next run redoes them."""
    run = start_without_running(django_capture_on_commit_callbacks)
    RecomputeRun.objects.filter(pk=run.pk).update(attempt=MAX_ATTEMPTS)
    Indicator.objects.update(needs_full_recompute=False)

    resumed = recompute_recover(now=timezone.now() + LATER)

    run.refresh_from_db()
    assert resumed == []
    assert run.status == RecomputeRun.Status.INTERRUPTED
    assert "the rest was not queued again: the next run redoes it" in run.error
    assert not RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).exists()
    assert all(indicator.needs_full_recompute for indicator in Indicator.objects.all())


def test_an_item_whose_task_keeps_killing_its_worker_fails_the_run(
    indicators: list[Indicator], django_capture_on_commit_callbacks: Any
) -> None:
    """A task redelivered after each crash (reject_on_worker_lost) would loop forever: its
    item is given up after MAX_ATTEMPTS starts and the run fails, releasing its changes."""
    run = start_without_running(django_capture_on_commit_callbacks)
    poison = run.items.get(indicator=indicators[0])
    RecomputeItem.objects.filter(pk=poison.pk).update(attempts=MAX_ATTEMPTS)

    for item in run.items.all():
        recompute_item(item.pk)

    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.FAILED
    assert f"Indicator {indicators[0].pk}: its task stopped its worker 3 times" in run.error


def take_over_for_display(django_capture_on_commit_callbacks: Any) -> RecomputeRun:
    """Start a run, take it over as dead, and return the interrupted run."""
    run = start_without_running(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        recompute_recover(now=timezone.now() + LATER)
    run.refresh_from_db()
    return run


def test_the_runs_page_says_the_worker_stopped_and_links_the_run_that_took_over(
    indicators: list[Indicator],
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    """The runs page shows an interrupted run plainly: its badge, what was left, and a link to
    the run resuming it, which links back."""
    run = take_over_for_display(django_capture_on_commit_callbacks)
    successor = run.taken_over_by
    assert successor is not None

    html = client_for("executive").get(reverse("metrics:run-list")).content.decode()

    assert f'data-run="{run.pk}" data-status="interrupted"' in html
    assert "Interrupted" in html
    assert "its worker stopped" in html
    assert "with 2 of 2 indicators and the survey day counts to go" in html
    assert f'<a href="#run-{successor.pk}">taken over by run {successor.pk}</a>' in html
    assert f'<a href="#run-{run.pk}">resumes run {run.pk}</a>' in html


def test_the_api_names_the_run_that_took_over(
    indicators: list[Indicator],
    django_capture_on_commit_callbacks: Any,
    make_user: Any,
) -> None:
    """The run's API answer has the plain message and both runs' numbers."""
    run = take_over_for_display(django_capture_on_commit_callbacks)
    successor = run.taken_over_by
    assert successor is not None
    client = Client()
    manager: User = make_user("quality_manager")
    client.force_login(manager)

    answer = client.get(reverse("recompute-run-detail", args=[run.pk])).json()
    resuming = client.get(reverse("recompute-run-detail", args=[successor.pk])).json()

    assert answer["status"] == "interrupted"
    assert answer["resumed_by"] == successor.pk
    assert "the remaining work was queued again as run" in answer["error"]
    assert (resuming["resumes"], resuming["resumed_by"], resuming["attempt"]) == (run.pk, None, 2)
