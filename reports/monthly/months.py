"""The month a report covers, and the months it compares with."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.formats import date_format

from core.changes import local_midnight

from ..selectors.dashboard.periods import add_months, month_start


@dataclass(frozen=True)
class ReportMonth:
    """One calendar month in the organisation's time zone (reports cover ended months only)."""

    first: date

    @classmethod
    def of(cls, day: date) -> "ReportMonth":
        return cls(month_start(day))

    @classmethod
    def parse(cls, text: str) -> "ReportMonth":
        """Return the month named "YYYY-MM" (ValueError otherwise)."""
        year, month = text.split("-")
        return cls(date(int(year), int(month), 1))

    @property
    def last(self) -> date:
        return add_months(self.first, 1) - timedelta(days=1)

    @property
    def slug(self) -> str:
        return self.first.strftime("%Y-%m")

    @property
    def label(self) -> str:
        """Return the month in words, e.g. "November 2026"."""
        return date_format(self.first, "F Y")

    @property
    def previous(self) -> "ReportMonth":
        return ReportMonth(add_months(self.first, -1))

    @property
    def year_ago(self) -> "ReportMonth":
        return ReportMonth(add_months(self.first, -12))

    def months_back(self, count: int) -> list["ReportMonth"]:
        """Return the `count` months ending with this one, oldest first."""
        return [ReportMonth(add_months(self.first, -offset)) for offset in range(count - 1, -1, -1)]

    def has_ended(self, today: date) -> bool:
        """Return whether the month is over on `today` (a report covers ended months only)."""
        return self.last < today

    @property
    def start_moment(self) -> Any:
        """Return local midnight at the start of the month (for timestamp filters)."""
        return local_midnight(self.first)

    @property
    def end_moment(self) -> Any:
        """Return local midnight at the start of the next month (exclusive bound)."""
        return local_midnight(add_months(self.first, 1))

    def as_json(self) -> dict[str, str]:
        return {
            "month": self.slug,
            "label": self.label,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }
