"""Periods of a grain (day, ISO week from Monday, month) in the organisation's time zone."""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from django.db.models import DateField, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.db.models.functions.datetime import TruncBase
from django.utils import timezone

from core.changes import local_midnight

DAY, WEEK, MONTH = "day", "week", "month"


def period_start(day: date, grain: str) -> date:
    """Return the first day of the period of a grain that holds a day."""
    if grain == DAY:
        return day
    if grain == WEEK:
        return day - timedelta(days=day.weekday())
    if grain == MONTH:
        return day.replace(day=1)
    raise ValueError(f"Unknown grain {grain!r}.")


def next_period(start: date, grain: str) -> date:
    """Return the first day of the period after the one starting on `start`."""
    if grain == DAY:
        return start + timedelta(days=1)
    if grain == WEEK:
        return start + timedelta(days=7)
    if grain == MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    raise ValueError(f"Unknown grain {grain!r}.")


def previous_period(start: date, grain: str) -> date:
    """Return the first day of the period before the one starting on `start`."""
    return period_start(start - timedelta(days=1), grain)


def periods_between(first_day: date, last_day: date, grain: str) -> Iterator[date]:
    """Yield the start of every period that overlaps the days from first to last (inclusive)."""
    start = period_start(first_day, grain)
    while start <= last_day:
        yield start
        start = next_period(start, grain)


def local_today() -> date:
    """Return today's date in the organisation's time zone (tests replace it to move the clock)."""
    return timezone.localdate()


def open_period(grain: str, today: date | None = None) -> date:
    """Return the start of the period that has not ended yet: it and later ones are in progress.

    A period is complete from the first local day after it: on 31 Jan the month of January is
    still in progress, on 1 Feb it is complete.
    """
    return period_start(today if today is not None else local_today(), grain)


def ranges_of(periods: Iterable[date], grain: str) -> list[tuple[date, date]]:
    """Merge period starts into half-open [first day, day after) ranges of consecutive periods."""
    ranges: list[tuple[date, date]] = []
    for start in sorted(set(periods)):
        end = next_period(start, grain)
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


def in_ranges(field: str, ranges: list[tuple[date, date]], *, is_datetime: bool) -> Q:
    """Return a filter keeping rows whose date field falls in one of the half-open ranges."""
    condition = Q(pk__in=[])
    for first, after in ranges:
        if is_datetime:
            condition |= Q(**{f"{field}__gte": local_midnight(first)}) & Q(
                **{f"{field}__lt": local_midnight(after)}
            )
        else:
            condition |= Q(**{f"{field}__gte": first, f"{field}__lt": after})
    return condition


def truncate(field: str, grain: str, *, is_datetime: bool) -> TruncBase:
    """Return the SQL expression giving a row's period start (local time zone for timestamps)."""
    function = {DAY: TruncDay, WEEK: TruncWeek, MONTH: TruncMonth}[grain]
    zone = timezone.get_current_timezone() if is_datetime else None
    return function(field, output_field=DateField(), tzinfo=zone)
