"""The Check's result: what a cycle stores, and its round trip through JSON.

Its own module so that both the comparison, which builds it, and the summary, which words it,
can import it without importing each other.
"""

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    """The Check of a cycle: the effect, its test, the shift, the assurance and the verdict."""

    measure: str
    test: str
    before_value: float
    before_n: float | None
    before_periods: int
    after_value: float | None
    after_n: float | None
    after_periods: int
    difference: float | None  # after - before, in the indicator's units
    relative_change: float | None  # difference / before (None for NPS, or a zero baseline)
    standard_error: float | None  # of the difference
    ci_low: float | None  # 95 % confidence interval of the difference
    ci_high: float | None
    statistic: float | None  # z or t, positive when the after window is higher
    p_value: float | None
    significant: bool
    improved: bool | None
    shift: bool
    shift_rule: str
    shift_periods: list[str]
    assurance: str
    verdict: str
    reason: str
    periods_needed: int
    summary: str
    before_start: date | None = None
    before_end: date | None = None
    after_start: date | None = None
    after_end: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready values (dates as ISO strings)."""
        data = asdict(self)
        for name in DATE_FIELDS:
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckResult":
        """Return the result stored by `as_dict` (keys it does not know are ignored)."""
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for name in DATE_FIELDS:
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        values["shift_periods"] = list(values.get("shift_periods") or [])
        return cls(**values)


DATE_FIELDS = ("before_start", "before_end", "after_start", "after_end")
