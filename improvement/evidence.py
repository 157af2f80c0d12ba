"""The target indicator's snapshots as the Check reads them: windows of complete periods."""

from datetime import date

from metrics.models import Indicator, Snapshot
from metrics.periods import next_period, period_start

from .check import Point

# A baseline defaults to the last year of complete periods before the cycle starts.
DEFAULT_BASELINE_PERIODS = {"day": 90, "week": 26, "month": 12}


def points_between(indicator: Indicator, first: date | None, last: date | None) -> list[Point]:
    """Return the indicator's snapshots whose period starts within [first, last] as points."""
    snapshots = Snapshot.objects.filter(indicator=indicator).order_by("period")
    if first is not None:
        snapshots = snapshots.filter(period__gte=period_start(first, indicator.grain))
    if last is not None:
        snapshots = snapshots.filter(period__lte=last)
    return [
        Point(
            period=snapshot.period,
            value=snapshot.value,
            n=snapshot.n,
            numerator=snapshot.numerator,
            denominator=snapshot.denominator,
            margin_of_error=snapshot.margin_of_error,
            complete=not indicator.is_in_progress(snapshot.period),
        )
        for snapshot in snapshots.only(
            "period", "value", "n", "numerator", "denominator", "margin_of_error"
        )
    ]


def default_baseline_window(indicator: Indicator, before: date) -> tuple[date | None, date | None]:
    """Return the last year or so of complete periods that started before a day."""
    periods = list(
        Snapshot.objects.filter(
            indicator=indicator, period__lt=period_start(before, indicator.grain)
        )
        .exclude(value__isnull=True)
        .order_by("-period")
        .values_list("period", flat=True)[: DEFAULT_BASELINE_PERIODS[indicator.grain]]
    )
    complete = [period for period in periods if not indicator.is_in_progress(period)]
    if not complete:
        return None, None
    return min(complete), max(complete)


def after_window_start(indicator: Indicator, change_on: date) -> date:
    """Return the first period wholly after the change: the period of the change is mixed."""
    start = period_start(change_on, indicator.grain)
    return start if start == change_on else next_period(start, indicator.grain)
