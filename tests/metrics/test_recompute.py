"""The recompute: incremental runs agree with full rebuilds, runs are idempotent and exclusive."""

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import SourceChange
from feedback import services as feedback_services
from feedback.models import Complaint, Survey, SurveyResponse
from journeys.models import Touchpoint
from metrics import services
from metrics.models import Alert, Indicator, Observation, RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from stakeholders import services as stakeholder_services
from stakeholders.models import Customer, CustomerActivity
from tests.feedback.factories import SurveyFactory

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)
DAYS = 180


def moment(rng: random.Random) -> datetime:
    """Return a random local time in the test window."""
    day = START + timedelta(days=rng.randrange(DAYS))
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randrange(24), 30))


@pytest.fixture
def survey(db: None) -> Survey:
    """A customer CSAT survey whose answers the survey indicators read."""
    return SurveyFactory.create(kind=Survey.Kind.CSAT)


@pytest.fixture
def eager(settings: Any) -> Iterator[None]:
    """Run the per-indicator tasks inline, as `make run` without a worker would."""
    from loyaltyqms.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def run(
    django_capture_on_commit_callbacks: Any, *, full: bool = False, **options: Any
) -> RecomputeRun:
    """Start a run and execute the tasks it queues after commit; return the finished run."""
    mode = RecomputeRun.Mode.FULL if full else RecomputeRun.Mode.INCREMENTAL
    with django_capture_on_commit_callbacks(execute=True):
        started = recompute_start(mode=mode, trigger=RecomputeRun.Trigger.COMMAND, **options)
    started.refresh_from_db()
    return started


def snapshot_table() -> dict[tuple[str, date], tuple[Any, ...]]:
    """Return every snapshot's cell values and chart values, keyed by indicator and period."""
    return {
        (row[0], row[1]): row[2:]
        for row in Snapshot.objects.values_list(
            "indicator__code",
            "period",
            "value",
            "n",
            "numerator",
            "denominator",
            "spread",
            "margin_of_error",
            "low",
            "high",
            "rows",
            "center",
            "ucl",
            "lcl",
            "signals",
        )
    }


CONTRACT = {"active_customer": "contract"}
TRAILING = {"active_customer": "trailing_window", "active_window_days": 30}
TERMS = [None, 1, 2, 12]  # months; customers without a term keep the indicator's window


def define_indicators(delivery: Touchpoint) -> dict[str, Indicator]:
    """Define indicators over every kind of source, at every grain."""
    base: dict[str, Any] = {"stakeholder_group": "customers", "kind": "lagging"}
    specs: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("nps-month", "nps", "month", "xmr", {}),
        ("csat-week", "csat", "week", "p", {}),
        ("ces-day", "ces", "day", "xmr", {}),
        ("complaints-week", "complaint_count", "week", "c", {}),
        ("complaints-delivery", "complaint_count", "month", "c", {"touchpoint": delivery}),
        ("ack-month", "time_to_acknowledge", "month", "xmr", {}),
        ("sla-month", "sla_compliance", "month", "p", {}),
        ("fcr-month", "first_contact_resolution", "month", "p", {}),
        ("rate-month", "complaint_rate", "month", "u", {}),
        ("retention-month", "retention", "month", "p", {}),
        ("churn-month", "churn", "month", "xmr", {}),
        ("repeat-month", "repeat_purchase", "month", "p", {}),
        ("referral-month", "referral_rate", "month", "xmr", {}),
        ("observed-week", "observed", "week", "xbar_r", {}),
        # Who is active by contract or trailing window: a change moves periods a term ahead.
        ("churn-contract", "churn", "month", "xmr", CONTRACT | {"active_window_days": 45}),
        ("retention-contract", "retention", "week", "p", CONTRACT | {"active_window_days": 20}),
        ("repeat-trailing", "repeat_purchase", "month", "p", TRAILING),
        ("referral-trailing", "referral_rate", "week", "xmr", TRAILING),
    ]
    return {
        code: services.indicator_create(
            code=code,
            name=code,
            computation=computation,
            grain=grain,
            chart_type=chart,
            **base,
            **scope,
        )
        for code, computation, grain, chart, scope in specs
    }


def seed_sources(
    logged_by: User,
    touchpoints: list[Touchpoint],
    rng: random.Random,
    indicators: dict[str, Indicator],
) -> None:
    """Create survey responses, complaints (at the touchpoints or none), customer activity and
    observations at random."""
    surveys = {
        kind: Survey.objects.create(name=f"Test {kind}", kind=kind, question="?")
        for kind in ("nps", "csat", "ces")
    }
    highs = {"nps": 10, "csat": 5, "ces": 7}
    for _ in range(90):
        kind = rng.choice(list(surveys))
        SurveyResponse.objects.create(
            survey=surveys[kind],
            score=rng.randint(0 if kind == "nps" else 1, highs[kind]),
            responded_at=moment(rng),
        )
    for number in range(40):
        complaint = feedback_services.complaint_log(
            logged_by=logged_by,
            description=f"Complaint {number}",
            touchpoint=rng.choice([*touchpoints, None]),
            received_at=moment(rng),
        )
        edit_complaint(complaint, rng)
    customers = [
        Customer.objects.create(
            external_reference=f"C-{number}",
            first_seen=START,
            contract_term_months=TERMS[number % len(TERMS)],
        )
        for number in range(25)
    ]
    for _ in range(150):
        CustomerActivity.objects.create(
            customer=rng.choice(customers),
            kind=rng.choice(["purchase", "purchase", "renewal", "referral", "cancellation"]),
            occurred_at=moment(rng),
        )
    for _ in range(60):
        Observation.objects.create(
            indicator=indicators["observed-week"],
            period=START + timedelta(days=rng.randrange(DAYS)),
            value=rng.uniform(10, 20),
        )


def edit_complaint(complaint: Complaint, rng: random.Random) -> None:
    """Acknowledge, resolve and judge a complaint at random, as handling would."""
    if rng.random() < 0.8:
        complaint.acknowledged_at = complaint.received_at + timedelta(hours=rng.uniform(0.5, 40))
        complaint.acknowledged_within_sla = rng.random() < 0.7
    if rng.random() < 0.6:
        complaint.responded_at = complaint.received_at + timedelta(hours=rng.uniform(40, 300))
        complaint.resolved_within_sla = rng.random() < 0.6
    complaint.resolved_at_first_contact = rng.random() < 0.2
    complaint.save()


def random_edits(rng: random.Random, indicators: dict[str, Indicator]) -> None:
    """Edit, move (late edits of old rows), delete and add source rows at random."""
    responses = list(SurveyResponse.objects.order_by("?")[:25])
    for response in responses[:10]:
        response.score = rng.randint(1, 5)
        response.save()
    for response in responses[10:18]:
        response.responded_at = moment(rng)  # moves the row to another period: both change
        response.save()
    for response in responses[18:]:
        response.delete()
    for complaint in Complaint.objects.order_by("?")[:10]:
        edit_complaint(complaint, rng)
    Complaint.objects.order_by("?")[0].delete()
    for activity in CustomerActivity.objects.order_by("?")[:15]:
        activity.occurred_at = moment(rng)
        activity.save()
    for activity in CustomerActivity.objects.order_by("?")[:5]:
        activity.delete()
    for customer in Customer.objects.order_by("?")[:2]:
        stakeholder_services.customer_update(
            customer=customer, contract_term_months=rng.choice(TERMS)
        )
    for observation in Observation.objects.order_by("?")[:8]:
        observation.value = rng.uniform(5, 30)
        observation.save()
    Observation.objects.order_by("?")[0].delete()
    Observation.objects.create(
        indicator=indicators["observed-week"], period=START + timedelta(days=3), value=99.0
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_runs_give_the_snapshots_a_full_rebuild_gives(
    colleague: User,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
    eager: None,
    django_capture_on_commit_callbacks: Any,
    seed: int,
) -> None:
    """Random edits, late edits of old rows and deletions: incremental equals full, exactly."""
    rng = random.Random(seed)
    indicators = define_indicators(delivery)
    seed_sources(colleague, [touchpoint, delivery], rng, indicators)
    run(django_capture_on_commit_callbacks)  # first run: every indicator is new, so full

    random_edits(rng, indicators)
    incremental = run(django_capture_on_commit_callbacks)
    after_incremental = snapshot_table()
    full = run(django_capture_on_commit_callbacks, full=True)

    assert incremental.status == RecomputeRun.Status.SUCCEEDED, incremental.error
    assert incremental.cells > 0
    assert full.status == RecomputeRun.Status.SUCCEEDED, full.error
    assert full.cells == 0, "the full rebuild found cells the incremental run had missed"
    assert snapshot_table() == after_incremental
    assert len({code for code, _period in after_incremental}) == len(indicators)


def test_a_second_run_changes_nothing(
    colleague: User,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Running again on the same data claims nothing and writes nothing, full or not."""
    rng = random.Random(7)
    indicators = define_indicators(delivery)
    seed_sources(colleague, [touchpoint, delivery], rng, indicators)
    first = run(django_capture_on_commit_callbacks)
    writers = dict(Snapshot.objects.values_list("pk", "run_id"))

    again = run(django_capture_on_commit_callbacks)
    full_again = run(django_capture_on_commit_callbacks, full=True)

    assert first.cells > 0
    assert (again.cells, again.changes_claimed, again.indicators) == (0, 0, 0)
    assert full_again.cells == 0
    assert dict(Snapshot.objects.values_list("pk", "run_id")) == writers
    assert not SourceChange.objects.exists()


def test_a_run_reads_only_the_changed_periods(
    colleague: User,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """One new response recomputes one month of the survey indicators, not their history."""
    rng = random.Random(3)
    indicators = define_indicators(delivery)
    seed_sources(colleague, [touchpoint, delivery], rng, indicators)
    run(django_capture_on_commit_callbacks)
    survey = Survey.objects.get(kind="nps")

    SurveyResponse.objects.create(
        survey=survey, score=10, responded_at=timezone.make_aware(datetime(2026, 3, 10, 12))
    )
    second = run(django_capture_on_commit_callbacks)

    march = Snapshot.objects.get(indicator=indicators["nps-month"], period=date(2026, 3, 1))
    assert second.indicators == 3, "the NPS, CSAT and CES indicators read survey responses"
    assert second.cells == 1, "only the NPS cell of March changed"
    assert march.run_id == second.pk
    # One month of NPS, one week of CSAT and one day of CES were read, not their history.
    assert second.rows_scanned < SurveyResponse.objects.count() / 2


def test_nps_snapshot_holds_the_score_and_its_interval(
    eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Six answers 0, 7, 7, 9, 9, 9 give NPS +33.3 with the published standard error 0.304."""
    survey = Survey.objects.create(name="NPS", kind="nps", question="?")
    for score in (0, 7, 7, 9, 9, 9):
        SurveyResponse.objects.create(
            survey=survey, score=score, responded_at=timezone.make_aware(datetime(2026, 2, 3, 9))
        )
    indicator = services.indicator_create(
        code="nps",
        name="NPS",
        kind="lagging",
        stakeholder_group="customers",
        computation="nps",
        grain="month",
    )

    run(django_capture_on_commit_callbacks)

    snapshot = Snapshot.objects.get(indicator=indicator)
    assert snapshot.period == date(2026, 2, 1)
    assert snapshot.value == pytest.approx(100 / 3)
    assert (snapshot.n, snapshot.numerator, snapshot.denominator) == (6, 2, 6)
    assert snapshot.margin_of_error == pytest.approx(1.96 * 0.304 * 100, rel=2e-3)
    assert snapshot.value is not None
    assert snapshot.margin_of_error is not None
    assert snapshot.low == pytest.approx(snapshot.value - snapshot.margin_of_error)


def test_a_busy_run_makes_the_next_one_skip(
    survey: Survey, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """While a run is running, another start records a skipped run and claims nothing."""
    busy = RecomputeRun.objects.create(mode="incremental", trigger="schedule")
    SurveyResponse.objects.create(survey=survey, score=5)

    skipped = run(django_capture_on_commit_callbacks)

    assert skipped.status == RecomputeRun.Status.SKIPPED
    assert f"run {busy.pk}" in skipped.error
    assert SourceChange.objects.filter(claimed_by__isnull=True).exists()


def test_a_run_left_running_by_a_dead_worker_is_taken_over(
    survey: Survey, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A run silent for longer than JOB_STALE_AFTER_SECONDS is interrupted at the next start,
    and the run resuming it finishes its work with the changes it had claimed."""
    indicator = services.indicator_create(
        code="csat",
        name="CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        grain="month",
    )
    answer = SurveyResponse.objects.create(survey=survey, score=5)
    silent = timezone.now() - timedelta(minutes=10)
    dead = RecomputeRun.objects.create(
        mode="incremental", trigger="schedule", heartbeat_at=silent, pending=2, indicators=1
    )
    # As the run planned it: refresh the answer's day counts, then the indicator summed from them.
    day = timezone.localdate(answer.responded_at).isoformat()
    dead.items.create(kind="survey_days", scope=[[day, day]])
    dead.items.create(kind="indicator", indicator=indicator, waiting=True)
    SourceChange.objects.update(claimed_by=dead.pk)

    skipped = run(django_capture_on_commit_callbacks)

    dead.refresh_from_db()
    resumed = dead.taken_over_by
    assert dead.status == RecomputeRun.Status.INTERRUPTED
    assert resumed is not None
    assert f"queued again as run #{resumed.pk}" in dead.error
    assert resumed.status == RecomputeRun.Status.SUCCEEDED
    assert Snapshot.objects.filter(indicator=indicator).count() == 1
    assert not SourceChange.objects.exists()  # the resuming run consumed the claimed changes
    assert skipped.status == RecomputeRun.Status.SKIPPED  # started while the takeover ran


def test_a_failing_indicator_fails_the_run_and_keeps_the_changes_for_the_next(
    survey: Survey,
    eager: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing logged is lost when a run fails: the next run finds the same changes."""
    indicator = services.indicator_create(
        code="csat",
        name="CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        grain="month",
    )
    SurveyResponse.objects.create(survey=survey, score=5)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("metrics.recompute.compute_cells", broken)
    failed = run(django_capture_on_commit_callbacks)
    monkeypatch.undo()
    retried = run(django_capture_on_commit_callbacks)

    assert failed.status == RecomputeRun.Status.FAILED
    assert "database went away" in failed.error
    assert retried.status == RecomputeRun.Status.SUCCEEDED
    assert Snapshot.objects.filter(indicator=indicator).count() == 1


def test_one_indicator_on_request_recomputes_all_its_periods_and_leaves_the_log(
    survey: Survey, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """`recompute --indicator` redoes that indicator only; the nightly run still sees the log."""
    indicator = services.indicator_create(
        code="csat",
        name="CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        grain="month",
    )
    SurveyResponse.objects.create(survey=survey, score=5)

    single = run(django_capture_on_commit_callbacks, indicator=indicator)

    assert single.mode == RecomputeRun.Mode.FULL
    assert single.indicators == 1
    assert Snapshot.objects.filter(indicator=indicator).exists()
    assert SourceChange.objects.filter(claimed_by__isnull=True).exists()


def test_a_new_signal_mails_the_owner_once(
    colleague: User,
    eager: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    """A point beyond the limits on the latest period alerts its owner, and only once."""
    owner = colleague
    owner.email = "owner@example.com"
    owner.save()
    indicator = services.indicator_create(
        code="response-time",
        name="Call-centre response time",
        kind="leading",
        stakeholder_group="employees",
        computation="observed",
        grain="week",
        owner=owner,
        direction="lower_is_better",
        baseline_periods=10,
    )
    weeks = [date(2026, 1, 5) + timedelta(weeks=number) for number in range(12)]
    values = [30, 31, 29, 30, 32, 28, 30, 31, 29, 30, 30, 80]
    services.observations_add(
        indicator=indicator,
        rows=[{"period": week, "value": value} for week, value in zip(weeks, values, strict=True)],
    )

    first = run(django_capture_on_commit_callbacks)
    services.annotation_upsert(indicator=indicator, starts_on=weeks[-1], label="Storm")
    Observation.objects.filter(indicator=indicator, period=weeks[-1]).update(value=81)
    SourceChange.objects.create(
        source="observation",
        scope=f"indicator:{indicator.pk}",
        first_day=weeks[-1],
        last_day=weeks[-1],
    )
    second = run(django_capture_on_commit_callbacks)

    indicator.refresh_from_db()
    assert first.status == second.status == RecomputeRun.Status.SUCCEEDED
    assert indicator.variation == Indicator.Variation.SPECIAL_DETERIORATING
    assert list(Alert.objects.values_list("rule", "period")) == [("WE1", weeks[-1])]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert indicator.get_absolute_url() in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_recompute_command_reports_what_it_did(
    survey: Survey, capsys: pytest.CaptureFixture[str]
) -> None:
    """`manage.py recompute --full --inline` rebuilds and says how much it did."""
    services.indicator_create(
        code="csat",
        name="CSAT",
        kind="lagging",
        stakeholder_group="customers",
        computation="csat",
        grain="month",
    )
    SurveyResponse.objects.create(survey=survey, score=5)

    call_command("recompute", "--full", "--inline")

    output = capsys.readouterr().out
    assert "succeeded" in output
    assert "1 indicators, 1 cells written" in output


def test_recompute_command_refuses_an_unknown_indicator() -> None:
    """A mistyped code is named in the error, and no run is recorded."""
    with pytest.raises(CommandError, match="No indicator has the code 'nope'"):
        call_command("recompute", "--indicator", "nope")

    assert not RecomputeRun.objects.exists()
