"""The complaint-handling satisfaction indicator: of the complaints whose customer rated the
handling, the share rating it 4 or 5, by the period the complaint was received."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Complaint
from journeys.models import Journey, Touchpoint
from metrics import services
from metrics.computations import SOURCES, charts_for, compute_cells
from metrics.models import Indicator, RecomputeRun, Snapshot
from metrics.recompute import recompute_start
from stakeholders.models import Customer, CustomerSegment

pytestmark = pytest.mark.django_db


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Return a moment in the organisation's time zone."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def rated(colleague: User, received_at: datetime, score: int | None, **fields: Any) -> Complaint:
    """Log a complaint received then; record the customer's survey rating, when there is one."""
    complaint = feedback_services.complaint_log(
        logged_by=colleague, description="The engineer did not come.", received_at=received_at,
        **fields,
    )  # fmt: skip
    if score is not None:
        feedback_services.complaint_satisfaction_record(complaint=complaint, score=score)
    return complaint


def satisfaction(code: str = "complaint-satisfaction", **scope: Any) -> Indicator:
    return services.indicator_create(
        code=code,
        name="Complaint-handling satisfaction",
        kind="lagging",
        stakeholder_group="customers",
        computation="complaint_satisfaction",
        grain="month",
        chart_type="p",
        **scope,
    )


def test_the_share_of_rated_complaints_scoring_four_or_five_by_month_received(
    colleague: User,
) -> None:
    """Hand-computed case. January 2026: five complaints, rated 5, 4, 2 and 3, one not rated.
    Four rated, two satisfied (the 5 and the 4): 2 / 4 = 50.0 %, n = 4. The complaint received
    on 31 January at 23:30 (local) counts in January although it was rated later, as SLA
    compliance counts a complaint in the period it arrived. February: rated 4, 4, 5: 3 / 3 =
    100.0 %, n = 3. March: one complaint, not rated: no cell (no rated complaint, no verdict)."""
    for received_at, score in [
        (local(2026, 1, 5), 5),
        (local(2026, 1, 12), 4),
        (local(2026, 1, 20), 2),
        (local(2026, 1, 31, 23, 30), 3),
        (local(2026, 1, 28), None),
        (local(2026, 2, 2), 4),
        (local(2026, 2, 14), 4),
        (local(2026, 2, 27), 5),
        (local(2026, 3, 3), None),
    ]:
        rated(colleague, received_at, score)

    cells = compute_cells(satisfaction(), None).cells

    assert [(cell.period, cell.value, cell.n, cell.numerator, cell.denominator)
            for cell in cells] == [
        (date(2026, 1, 1), 50.0, 4, 2, 4),
        (date(2026, 2, 1), 100.0, 3, 3, 3),
    ]  # fmt: skip


def test_it_is_a_proportion_on_complaints(colleague: User) -> None:
    indicator = satisfaction()

    assert SOURCES[indicator.computation] == ("complaint",)
    assert charts_for(indicator.computation) == {"xmr", "p"}


def test_every_scope_complaints_have(
    colleague: User,
    journey: Journey,
    touchpoint: Touchpoint,
    delivery: Touchpoint,
    customer: Customer,
    segment: CustomerSegment,
) -> None:
    """At the checkout: 5 and 1 (50 %). At the delivery, SwiftParcel's, of the households'
    customer: 4 (100 %). On no touchpoint: 2. The journey holds both touchpoints: 2 of 3."""
    when = local(2026, 4, 7)
    rated(colleague, when, 5, touchpoint=touchpoint)
    rated(colleague, when, 1, touchpoint=touchpoint)
    rated(colleague, when, 4, touchpoint=delivery, customer_reference=customer.external_reference)
    rated(colleague, when, 2)

    def share(code: str, **scope: Any) -> tuple[float | None, float | None]:
        cell = compute_cells(satisfaction(code, **scope), None).cells[0]
        return cell.value, cell.n

    assert share("all") == (50.0, 4)
    assert share("checkout", touchpoint=touchpoint) == (50.0, 2)
    assert share("swiftparcel", partner=delivery.owner_partner) == (100.0, 1)
    assert share("households", segment=segment) == (100.0, 1)
    assert share("buy-online", journey=journey) == (pytest.approx(200 / 3), 3)


@pytest.fixture
def eager(settings: Any) -> Iterator[None]:
    """Run the per-indicator tasks inline, as `make run` without a worker would."""
    from loyaltyqms.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def run(django_capture_on_commit_callbacks: Any, *, full: bool = False) -> RecomputeRun:
    mode = RecomputeRun.Mode.FULL if full else RecomputeRun.Mode.INCREMENTAL
    with django_capture_on_commit_callbacks(execute=True):
        started = recompute_start(mode=mode, trigger=RecomputeRun.Trigger.COMMAND)
    started.refresh_from_db()
    return started


def test_the_nightly_run_picks_up_a_rating_given_months_later(
    colleague: User, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A complaint of March rated in the survey long after: the incremental run recomputes
    March (the complaint's save logs its received day) and agrees with a full rebuild."""
    indicator = satisfaction()
    rated(colleague, local(2026, 3, 4), 5)
    late = rated(colleague, local(2026, 3, 9), None)
    rated(colleague, local(2026, 5, 11), 2)
    run(django_capture_on_commit_callbacks)
    march = Snapshot.objects.get(indicator=indicator, period=date(2026, 3, 1))
    assert (march.value, march.n) == (100.0, 1)

    feedback_services.complaint_satisfaction_record(complaint=late, score=1)
    incremental = run(django_capture_on_commit_callbacks)
    full = run(django_capture_on_commit_callbacks, full=True)

    march.refresh_from_db()
    assert incremental.status == RecomputeRun.Status.SUCCEEDED, incremental.error
    assert (march.value, march.n) == (50.0, 2)
    assert march.run_id == incremental.pk
    assert full.cells == 0, "the full rebuild found a cell the incremental run had missed"
