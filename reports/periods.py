"""The reporting windows of the reports pages: whole local days, complete months by default."""

from datetime import date, timedelta

from django.db.models import Q

from core.changes import local_midnight
from metrics.periods import MONTH, open_period

# Pareto views, the journey heat and the evidence page look at a year unless told otherwise:
# the last twelve months that have ended (a month in progress would drag a partial count in).
DEFAULT_MONTHS = 12


def last_complete_months(
    count: int = DEFAULT_MONTHS, today: date | None = None
) -> tuple[date, date]:
    """Return the first and last day of the last `count` complete months before today's."""
    current = open_period(MONTH, today)
    last_day = current - timedelta(days=1)
    year, month = current.year, current.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), last_day


def moments_between(field: str, date_from: date, date_to: date) -> Q:
    """Return a filter on a timestamp falling on a local day from `date_from` to `date_to`."""
    return Q(
        **{
            f"{field}__gte": local_midnight(date_from),
            f"{field}__lt": local_midnight(date_to + timedelta(days=1)),
        }
    )


def days_between(field: str, date_from: date, date_to: date) -> Q:
    """Return a filter on a date from `date_from` to `date_to`, both included."""
    return Q(**{f"{field}__gte": date_from, f"{field}__lte": date_to})
