"""Contract terms in calendar months: the date arithmetic of renewals and of churn cut-offs."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Return the same day some calendar months later (earlier when negative), clamped to the
    month's last day: 31 March minus one month is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
