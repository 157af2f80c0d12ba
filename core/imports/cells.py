"""Reading the cells of one imported row: text, numbers, dates, choices, with clear refusals."""

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from core.spreadsheets import is_formula
from core.validation import LATEST_DATE

# Longer cells are refused per row: no field of an imported model needs more, and it keeps a
# hostile file from filling memory and the database with megabytes of text per row.
MAX_CELL_CHARS = 10_000
# Source systems' clocks drift a little; a moment further ahead is a wrong date, not drift.
FUTURE_TOLERANCE = timedelta(minutes=5)

TRUE_WORDS = {"1", "true", "yes", "y", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "f"}


@functools.lru_cache(maxsize=64)
def choice_lookup(choices: Any, language: str | None) -> dict[str, Any]:
    """Return a choices class's values by their lower-case value and label, in a language."""
    # Labels are lazy translations: resolving them for every cell would dominate large imports.
    lookup: dict[str, Any] = {}
    for value, label in reversed(choices.choices):
        lookup[str(label).lower()] = value
        lookup[str(value).lower()] = value
    return lookup


def text_refusals(value: str, max_length: int | None = None) -> list[str]:
    """Return why a stripped text cell is refused (too long, a formula): none when it is not.

    Text is kept as it is and later exported, so a formula in it would run in the spreadsheet of
    whoever opens the export; numbers read by the other readers are never refused for it.
    """
    reasons = []
    if max_length is not None and len(value) > max_length:
        reasons.append(f"At most {max_length} characters (this one has {len(value)}).")
    if is_formula(value):
        reasons.append(
            f"{value[:40]!r} is a spreadsheet formula; formulas are refused so that they "
            "cannot run when the data is opened in a spreadsheet."
        )
    return reasons


def read_decimal(value: str, max_digits: int, places: int) -> tuple[Decimal | None, str]:
    """Return a non-empty cell as a decimal number (a point as separator) fitting a model's field,
    or None and why it is refused."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None, f"{value[:40]!r} is not a number (use a point: 12.50)."
    if not number.is_finite():
        return None, "Give a finite number."
    rounded = round(number, places)
    if len(rounded.as_tuple().digits) > max_digits or abs(rounded) >= 10 ** (max_digits - places):
        return None, f"{value[:40]} is too large."
    return rounded, ""


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def read_integer(value: str, low: int, high: int) -> tuple[int | None, str]:
    """Return a non-empty cell as a whole number between `low` and `high` in ASCII digits (not
    Python's "1_2" or other scripts' digits), or None and why it is refused."""
    if not WHOLE_NUMBER.fullmatch(value):
        return None, f"{value[:40]!r} is not a whole number."
    number = int(value)
    if not low <= number <= high:
        return None, f"{number} is outside {low} to {high}."
    return number, ""


def read_moment(
    value: str,
    *,
    now: datetime,
    zone: tzinfo,
    not_future: bool = True,
    earliest: date | None = None,
) -> tuple[datetime | None, str]:
    """Return a non-empty cell as an ISO 8601 date or date-time (without an offset: local time),
    or None and why it is refused. `earliest`: see day_refusal."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, f"{value[:40]!r} is not an ISO 8601 date (2026-03-31T14:05)."
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    if reason := day_refusal(parsed.date(), earliest=earliest):
        return None, reason
    if not_future and parsed > now + FUTURE_TOLERANCE:
        return None, "The date is in the future."
    return parsed, ""


def day_refusal(day: date, *, earliest: date | None = None) -> str:
    """Return why a day is refused (before QMS_EARLIEST_DATE, after LATEST_DATE), or "".

    `earliest`: QMS_EARLIEST_DATE as the caller read it once (a batch's `first_day`): reading a
    setting per row took about 3 % of the customer import (py-spy, 100,000 rows)."""
    earliest = earliest or settings.QMS_EARLIEST_DATE
    if day < earliest:
        return f"The date is before {earliest.isoformat()}, the earliest accepted."
    if day > LATEST_DATE:
        return f"The date is after {LATEST_DATE.isoformat()}, the latest accepted."
    return ""


class RowReader:
    """One row's cells by column name; each reading method records a refusal instead of raising.

    `now`, `zone` and `language` are looked up once per batch by the caller: per row they would
    cost more than the parsing itself.
    """

    def __init__(
        self,
        row: dict[str, str],
        *,
        now: datetime | None = None,
        zone: tzinfo | None = None,
        options: Mapping[str, str] | None = None,
        language: str | None = None,
    ) -> None:
        self.row = row
        # Values chosen on the upload form for the whole file, by column ({"survey": "12"}).
        self.options: Mapping[str, str] = options or {}
        self.errors: list[tuple[str, str]] = []
        self.now = now or timezone.now()
        self.zone = zone or timezone.get_current_timezone()
        self.language = language or translation.get_language()

    def refuse(self, column: str, reason: str) -> None:
        """Record why a column's value is refused."""
        self.errors.append((column, reason))

    def require(self, column: str) -> None:
        """Refuse the row when a required column is empty."""
        if not self.row.get(column, "").strip():
            self.refuse(column, "A value is required.")

    def cell(self, column: str) -> str:
        """Return the stripped cell for a reader that parses it (a number, a date, a choice)."""
        return self.row.get(column, "").strip()

    def text(self, column: str, max_length: int | None = None) -> str:
        """Return the stripped text, refusing it above `max_length` characters or as a formula
        (see `text_refusals`)."""
        value = self.cell(column)
        for reason in text_refusals(value, max_length):
            self.refuse(column, reason)
        return value

    def integer(self, column: str, low: int, high: int) -> int | None:
        """Return a whole number between `low` and `high`, or None when empty or refused."""
        value = self.cell(column)
        if not value:
            return None
        number, reason = read_integer(value, low, high)
        if reason:
            self.refuse(column, reason)
        return number

    def decimal(self, column: str, max_digits: int, places: int) -> Decimal | None:
        """Return a decimal number (a point as separator) fitting the model's field."""
        value = self.cell(column)
        if not value:
            return None
        number, reason = read_decimal(value, max_digits, places)
        if reason:
            self.refuse(column, reason)
        return number

    def day(self, column: str, *, not_future: bool = False) -> date | None:
        """Return a date as YYYY-MM-DD (not after today if asked), or None when empty or refused."""
        value = self.cell(column)
        if not value:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.refuse(column, f"{value[:40]!r} is not a date as YYYY-MM-DD.")
            return None
        if not_future and parsed > self.now.astimezone(self.zone).date():
            self.refuse(column, "The date is in the future.")
            return None
        if not self._in_range(column, parsed):
            return None
        return parsed

    def moment(self, column: str, *, not_future: bool = True) -> datetime | None:
        """Return an ISO 8601 date or date-time; times without an offset are local time."""
        value = self.cell(column)
        if not value:
            return None
        parsed, reason = read_moment(value, now=self.now, zone=self.zone, not_future=not_future)
        if reason:
            self.refuse(column, reason)
        return parsed

    def _in_range(self, column: str, day: date) -> bool:
        """Refuse a day before QMS_EARLIEST_DATE or after LATEST_DATE; return whether it is in."""
        if reason := day_refusal(day):
            self.refuse(column, reason)
            return False
        return True

    def boolean(self, column: str) -> bool | None:
        """Return yes/no (true/false, 1/0), or None when empty or refused."""
        value = self.cell(column).lower()
        if not value:
            return None
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.refuse(column, f"{value[:40]!r} is not yes or no (true/false, 1/0).")
        return None

    def choice(self, column: str, choices: Any) -> Any:
        """Return the value of a Django choices class matching the cell's value or label."""
        value = self.cell(column).lower()
        if not value:
            return None
        found = choice_lookup(choices, self.language).get(value)
        if found is not None:
            return found
        accepted = ", ".join(str(choice_value) for choice_value in choices.values)
        self.refuse(column, f"{value[:40]!r} is not one of: {accepted}.")
        return None
