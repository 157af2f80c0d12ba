"""The periods the dashboard reads for a chosen month, per indicator grain.

A monthly indicator reads the month itself; a weekly or daily one reads its last period that ends
within the month (the week or day holding the month's end, or the one before when that week runs
on into the next month). The previous period is the one before; the same period last year is the
month a year before, the week 52 weeks before, the same day a year before. A period that has not
ended is "so far": shown, never judged.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from metrics.periods import (
    DAY,
    MONTH,
    WEEK,
    next_period,
    open_period,
    period_start,
    previous_period,
)

SPARKLINE_PERIODS = 12  # a year of months under each indicator's row
WEEKS_A_YEAR = 52


def month_start(day: date) -> date:
    """Return the first day of the month holding a day."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """Return the first day of the month `count` months after (or before) a month."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(today: date) -> date:
    """Return the first day of the last month that has ended."""
    return add_months(month_start(today), -1)


def a_year_before(period: date, grain: str) -> date:
    """Return the same period one year earlier (52 weeks for weeks; 28 Feb for a 29 Feb)."""
    if grain == WEEK:
        return period - timedelta(weeks=WEEKS_A_YEAR)
    if grain == MONTH:
        return add_months(period, -12)
    try:
        return period.replace(year=period.year - 1)
    except ValueError:  # 29 February
        return period.replace(year=period.year - 1, day=28)


def periods_back(period: date, grain: str, count: int) -> date:
    """Return the start of the period `count` periods before `period`."""
    if grain == MONTH:
        return add_months(period, -count)
    return period - timedelta(days=count * (7 if grain == WEEK else 1))


@dataclass(frozen=True)
class Window:
    """What the dashboard reads of one grain for the chosen month."""

    grain: str
    period: date  # the chosen period of this grain
    previous: date
    last_year: date
    first: date  # the first period the sparkline may show
    in_progress: bool  # the period has not ended today: a value "so far", never judged


def window_for(grain: str, month: date, today: date) -> Window:
    """Return the periods of a grain that stand for a month (see the module's docstring)."""
    after = add_months(month, 1)
    if grain == MONTH:
        period = month
    else:
        period = period_start(after - timedelta(days=1), grain)
        if grain == WEEK and next_period(period, grain) > after:
            period = previous_period(period, grain)
    # The month in progress reads the period in progress, not one still to come.
    period = min(period, open_period(grain, today))
    return Window(
        grain=grain,
        period=period,
        previous=previous_period(period, grain),
        last_year=a_year_before(period, grain),
        first=periods_back(period, grain, SPARKLINE_PERIODS),
        in_progress=period >= open_period(grain, today),
    )


def windows_for(month: date, today: date) -> dict[str, Window]:
    """Return the window of every grain for a month."""
    return {grain: window_for(grain, month, today) for grain in (DAY, WEEK, MONTH)}
