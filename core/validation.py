"""Validation shared by the apps' models."""

from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
