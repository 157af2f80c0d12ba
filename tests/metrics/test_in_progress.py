"""A period that has not ended drives no verdict; statuses say exactly where a value stands."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from metrics.drivers import drivers_refresh
from metrics.models import Alert, Driver, Indicator, RecomputeRun, Snapshot
from metrics.periods import open_period
from metrics.recompute import cells_write, recompute_start
from metrics.series import series_refresh, status_of
from tests.metrics.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

Status = Indicator.Status
STABLE_2025 = [50.0, 52.0, 49.0, 51.0, 50.0, 48.0, 52.0, 50.0, 51.0, 49.0, 50.0, 52.0]


@pytest.fixture
def inline(settings) -> None:
    """Run the recompute's tasks in this process."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def observed(
    values: list[float], *, first: date = date(2025, 1, 1), grain: str = "month", **fields: Any
) -> Indicator:
    """Return an observed indicator with one value per period from `first`."""
    indicator = IndicatorFactory.create(grain=grain, **fields)
    period = first
    for value in values:
        ObservationFactory.create(indicator=indicator, period=period, value=value)
        period = {
            "month": lambda day: (day.replace(day=28) + timedelta(days=4)).replace(day=1),
            "week": lambda day: day + timedelta(days=7),
            "day": lambda day: day + timedelta(days=1),
        }[grain](period)
    return indicator


def rebuild(indicator: Indicator, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        recompute_start(mode="full", trigger="command", indicator=indicator)
    indicator.refresh_from_db()


def test_an_unfinished_month_takes_no_part_in_any_verdict(
    set_today, inline, django_capture_on_commit_callbacks
) -> None:
    """January 2026 so far (10, far below the limits) neither turns red nor signals nor trends.

    Hand-computed: the 2025 months give the centre line 604 / 12 = 50.33 and the average moving
    range 22 / 11 = 2.0, so the limits are 50.33 +- 2.66 * 2.0 (45.0 to 55.7): the 10 would break
    rule 1 if it were judged.
    """
    set_today(date(2026, 1, 20))
    indicator = observed([*STABLE_2025, 10.0], target=45, red_threshold=40)

    rebuild(indicator, django_capture_on_commit_callbacks)

    january = Snapshot.objects.get(indicator=indicator, period=date(2026, 1, 1))
    assert (indicator.latest_period, indicator.latest_value) == (date(2025, 12, 1), 52.0)
    assert (indicator.current_period, indicator.current_value) == (date(2026, 1, 1), 10.0)
    assert indicator.status == Status.MEETS_TARGET
    assert indicator.variation == Indicator.Variation.COMMON_CAUSE
    assert january.signals == []
    assert indicator.chart_summary["center"] == pytest.approx(604 / 12)
    assert indicator.chart_summary["ucl"] == pytest.approx(604 / 12 + 2.66 * 2.0, rel=1e-3)
    assert january.ucl == pytest.approx(indicator.chart_summary["ucl"])
    assert not Alert.objects.filter(indicator=indicator).exists()


@pytest.mark.parametrize(
    ("today", "judged"),
    [
        (date(2026, 1, 31), False),  # the last day of January: still in progress
        (date(2026, 2, 1), True),  # the first day of February: January is complete
    ],
)
def test_a_month_is_judged_from_the_first_day_of_the_next(
    set_today, inline, django_capture_on_commit_callbacks, today, judged
) -> None:
    """The same January value is red with a rule-1 signal and an alert only once it has ended."""
    set_today(today)
    indicator = observed([*STABLE_2025, 10.0], target=45, red_threshold=40)

    rebuild(indicator, django_capture_on_commit_callbacks)

    january = Snapshot.objects.get(indicator=indicator, period=date(2026, 1, 1))
    assert (indicator.status == Status.RED) is judged
    assert ("WE1" in january.signals) is judged
    assert (indicator.variation == Indicator.Variation.SPECIAL_DETERIORATING) is judged
    assert Alert.objects.filter(indicator=indicator, period=date(2026, 1, 1)).exists() is judged
    assert (indicator.current_period is None) is judged


@pytest.mark.parametrize(
    ("grain", "first", "last_day", "next_day"),
    [
        ("week", date(2026, 1, 5), date(2026, 4, 12), date(2026, 4, 13)),  # Sunday, Monday
        ("day", date(2026, 3, 1), date(2026, 3, 14), date(2026, 3, 15)),
    ],
)
def test_every_grain_follows_the_same_rule(
    set_today, inline, django_capture_on_commit_callbacks, grain, first, last_day, next_day
) -> None:
    """The 14th period is in progress on its last day and judged on the first day after it."""
    set_today(last_day)
    indicator = observed([*STABLE_2025, 50.0, 10.0], first=first, grain=grain)

    rebuild(indicator, django_capture_on_commit_callbacks)

    assert indicator.current_value == 10.0
    assert indicator.latest_value == 50.0
    assert indicator.variation == Indicator.Variation.COMMON_CAUSE

    set_today(next_day)
    rebuild(indicator, django_capture_on_commit_callbacks)

    assert indicator.current_period is None
    assert indicator.latest_value == 10.0
    assert indicator.variation == Indicator.Variation.SPECIAL_DETERIORATING


def test_the_period_ends_at_midnight_in_the_organisations_time_zone(monkeypatch, settings) -> None:
    """At 23:30 UTC on 31 January it is already 1 February in Amsterdam: January has ended."""
    settings.TIME_ZONE = "Europe/Amsterdam"
    late_evening_utc = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)

    assert open_period("month") == date(2026, 2, 1)
    assert open_period("week") == date(2026, 1, 26)
    assert open_period("day") == date(2026, 2, 1)

    settings.TIME_ZONE = "America/New_York"  # 18:30 on 31 January there

    assert open_period("month") == date(2026, 1, 1)


def test_the_nightly_run_judges_a_period_that_closed_without_new_data(
    set_today, inline, django_capture_on_commit_callbacks
) -> None:
    """No new row arrives, yet on 1 February the verdicts move to January, once."""
    set_today(date(2026, 1, 31))
    indicator = observed([*STABLE_2025, 10.0], target=45, red_threshold=40)
    rebuild(indicator, django_capture_on_commit_callbacks)
    assert indicator.status == Status.MEETS_TARGET

    set_today(date(2026, 2, 1))
    with django_capture_on_commit_callbacks(execute=True):
        first = recompute_start(mode="incremental", trigger="schedule")
    with django_capture_on_commit_callbacks(execute=True):
        second = recompute_start(mode="incremental", trigger="schedule")

    indicator.refresh_from_db()
    assert (indicator.status, indicator.latest_period) == (Status.RED, date(2026, 1, 1))
    assert first.indicators == 1
    assert second.indicators == 0
    assert RecomputeRun.objects.get(pk=first.pk).status == RecomputeRun.Status.SUCCEEDED
    assert Alert.objects.filter(indicator=indicator, kind=Alert.Kind.RED).count() == 1


def test_drivers_correlate_complete_periods_only(set_today) -> None:
    """A wild value so far in January would break the perfect 2025 correlation; it is left out."""
    set_today(date(2026, 1, 15))
    leading = observed([*STABLE_2025, 99.0], kind=Indicator.Kind.LEADING)
    lagging = observed([value * 2 for value in STABLE_2025] + [-50.0], kind=Indicator.Kind.LAGGING)
    Driver.objects.create(leading=leading, lagging=lagging, declared=True)
    for indicator in (leading, lagging):
        cells_write(indicator=indicator, periods=None, run=None)
        series_refresh(indicator)

    drivers_refresh()

    driver = Driver.objects.get(leading=leading, lagging=lagging)
    lag_zero = next(entry for entry in driver.lags if entry["lag"] == 0)
    assert lag_zero["n"] == 12
    assert lag_zero["r"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("direction", "target", "amber", "red", "value", "expected"),
    [
        # CallPoint's answer time: at most 60 s, amber beyond 75 s, red beyond 90 s.
        ("lower_is_better", 60, 75, 90, 63.9, Status.WITHIN_TOLERANCE),
        ("lower_is_better", 60, 75, 90, 60.0, Status.MEETS_TARGET),
        ("lower_is_better", 60, 75, 90, 80.0, Status.AMBER),
        ("lower_is_better", 60, 75, 90, 90.1, Status.RED),
        # Delivery CSAT: at least 85 %, amber below 80 %, red below 70 %.
        ("higher_is_better", 85, 80, 70, 81.7, Status.WITHIN_TOLERANCE),
        ("higher_is_better", 85, 80, 70, 79.9, Status.AMBER),
        ("higher_is_better", 85, 80, 70, 69.0, Status.RED),
        # The mystery-shop score: at least 85 % with no tolerance band, so a miss is amber.
        ("higher_is_better", 85, None, 75, 84.6, Status.AMBER),
        ("higher_is_better", 85, None, 75, 85.0, Status.MEETS_TARGET),
        ("higher_is_better", 85, None, None, 10.0, Status.AMBER),
    ],
)
def test_a_status_says_exactly_where_the_value_stands(
    direction, target, amber, red, value, expected
) -> None:
    """Only a value at the target or better meets it; a miss is never called on target."""
    indicator = Indicator(
        direction=direction, target=target, amber_threshold=amber, red_threshold=red
    )

    status = status_of(indicator, value)

    assert status == expected
    if status == Status.MEETS_TARGET:
        assert (value >= target) if direction == "higher_is_better" else (value <= target)


# Pages ------------------------------------------------------------------------------------------


@pytest.fixture
def january_so_far(set_today, inline, django_capture_on_commit_callbacks) -> Indicator:
    """CallPoint-like answer time: 2025 judged, January 2026 in progress at 63.9 s so far."""
    set_today(date(2026, 1, 20))
    indicator = observed(
        [*STABLE_2025[:-1], 63.9, 30.0],
        code="answer-time",
        name="Answer time",
        unit="s",
        direction=Indicator.Direction.LOWER_IS_BETTER,
        target=60,
        amber_threshold=75,
        red_threshold=90,
    )
    rebuild(indicator, django_capture_on_commit_callbacks)
    return indicator


def test_the_list_shows_the_latest_complete_period_with_the_value_so_far_beside_it(
    client_for, january_so_far
) -> None:
    """December's 63.9 s misses the 60 s target; January's 30 s so far is only a hint."""
    html = client_for("frontline").get("/metrics/").content.decode()

    row = html[html.index('data-indicator="answer-time"') :]
    row = row[: row.index("</tr>")]
    assert "63.9 s" in row
    assert "Dec 2025" in row
    assert 'data-status="within_tolerance"' in row
    assert "Misses target (within tolerance)" in row
    assert "30 s so far in Jan 2026" in row
    assert "Meets target" not in row


def test_the_chart_marks_the_period_in_progress(client_for, january_so_far) -> None:
    """The API and the page's chart data flag January as in progress, with no signal."""
    chart = client_for("executive").get("/api/v1/indicators/answer-time/chart/").json()

    flags = {point["period"]: point["in_progress"] for point in chart["points"]}
    assert flags["2026-01-01"] is True
    assert not any(flag for period, flag in flags.items() if period != "2026-01-01")
    assert chart["complete_before"] == "2026-01-01"


def test_the_indicator_page_gives_each_form_input_its_own_id(client_for, january_so_far) -> None:
    """The annotation and limits forms both have a date field: their ids must differ."""
    html = client_for("quality_manager").get("/metrics/answer-time/").content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert "annotation_starts_on" in ids
    assert "limits_starts_on" in ids
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert "so far in Jan 2026" in html
    assert "in progress" in html
