"""Validation shared by the apps' models: bounded text, dates in a sane range, constraint errors.

Quality records are controlled information: a complaint received in the year 1 or a description
of two million characters is a mistake or an attack, never a record. The bounds live on the
model fields, so model forms and serializers inherit them; plain form and serializer fields, and
date filters, name them explicitly.
"""

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

# The longest free text a person may write into one field (a description, a decision, a note,
# a comment): about four pages, far beyond any real record, small enough to store and show.
LONG_TEXT = 10_000

# The last day a plan, target or filter may name: arithmetic on a later date (the day after
# 9999-12-31) overflows, and no quality plan reaches this far.
LATEST_DATE = date(2099, 12, 31)

# How far into the future a record's date may lie: clocks and time zones differ by hours.
FUTURE_TOLERANCE = timedelta(days=1)

# The largest id a record can have (a 64-bit primary key): a filter by a larger one would fail
# in the database (out of range) instead of finding nothing, so filters refuse it.
MAX_ID = 2**63 - 1
ID_DIGITS = r"\d{1,18}"  # a written id that is sure to fit


class BoundedTextField(models.TextField):
    """A TextField whose max_length is a rule that validation enforces, not only a form hint.

    Django passes a TextField's max_length to forms and serializers but does not check it in
    `full_clean`; this field does, as CharField does.
    """

    def __init__(self, *args: Any, max_length: int = LONG_TEXT, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


def _day(value: date | datetime) -> date:
    """Return the local day of a date or moment (its own day when that overflows the calendar)."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.date()
        try:
            return timezone.localtime(value).date()
        except OverflowError:  # 0001-01-01 in a zone east of ours: before the year 1 here
            return value.date()
    return value


def _too_early(day: date) -> ValidationError | None:
    """Return the refusal of a day before QMS_EARLIEST_DATE, or None for a later one."""
    earliest = settings.QMS_EARLIEST_DATE
    if day >= earliest:
        return None
    return ValidationError(
        _("Enter a date on or after %(earliest)s."),
        code="date_too_early",
        params={"earliest": formats.date_format(earliest, "DATE_FORMAT")},
    )


def validate_record_date(value: date | datetime) -> None:
    """Refuse a record's date before QMS_EARLIEST_DATE or later than tomorrow.

    For the day something happened: a complaint received, an idea submitted, a survey answered,
    an audit visit. Such a day cannot lie ahead.
    """
    day = _day(value)
    error = _too_early(day)
    if error is not None:
        raise error
    if day > timezone.localdate() + FUTURE_TOLERANCE:
        raise ValidationError(_("Enter a date that is not in the future."), code="date_in_future")


def validate_date_in_range(value: date | datetime) -> None:
    """Refuse a date before QMS_EARLIEST_DATE or after LATEST_DATE (plans, targets, filters)."""
    day = _day(value)
    error = _too_early(day)
    if error is not None:
        raise error
    if day > LATEST_DATE:
        raise ValidationError(
            _("Enter a date on or before %(latest)s."),
            code="date_too_late",
            params={"latest": formats.date_format(LATEST_DATE, "DATE_FORMAT")},
        )


class ConstraintErrorsOnFields:
    """Report database-constraint violations under the field they concern.

    Django reports a violated multi-field constraint as a non-field error; pages want it next to
    the field a person has to change. `CONSTRAINT_FIELDS` maps constraint names to that field.
    """

    CONSTRAINT_FIELDS: ClassVar[dict[str, str]] = {}

    def validate_constraints(self, exclude: Any = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)  # type: ignore[misc]
        except ValidationError as error:
            raise ValidationError(self._rekeyed(error.error_dict)) from None

    def _rekeyed(self, error_dict: dict[str, list[ValidationError]]) -> dict[str, list[Any]]:
        by_message = {
            str(constraint.get_violation_error_message()): self.CONSTRAINT_FIELDS.get(
                constraint.name, NON_FIELD_ERRORS
            )
            for constraint in self._meta.constraints  # type: ignore[attr-defined]
        }
        rekeyed: dict[str, list[Any]] = {}
        for field, errors in error_dict.items():
            for error in errors:
                target = field
                if field == NON_FIELD_ERRORS:
                    target = by_message.get(" ".join(error.messages), field)
                rekeyed.setdefault(target, []).append(error)
        return rekeyed
