"""The reporting window shared by the reports pages' filters: a range of whole local days."""

from datetime import date
from typing import Any

from core.forms import DateRangeFilterForm

from ..periods import last_complete_months


class PeriodForm(DateRangeFilterForm):
    """A date range, the last twelve complete months when left empty; the end not before the
    start. Bound to the query string, so that an invalid range is named next to its field."""

    def __init__(self, data: Any = None, *args: Any, today: date | None = None, **kwargs: Any):
        # The defaults go into the data, so that the page shows the window it reports on.
        self.default_from, self.default_to = last_complete_months(today=today)
        data = data.copy() if data is not None else {}
        if not data.get("date_from"):
            data["date_from"] = self.default_from.isoformat()
        if not data.get("date_to"):
            data["date_to"] = self.default_to.isoformat()
        super().__init__(data, *args, **kwargs)
