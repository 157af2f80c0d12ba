"""The one way services write a row: set the fields, validate everything, then save.

Every write service keeps one contract, which tests/core/test_service_contract.py checks:
keyword-only, annotated arguments, one per field (never `**fields`), the people acting or acted
on typed as `django.contrib.auth.models.User`; `@transaction.atomic`; and it returns the row it
created or changed (a bulk service its rows or a count; a delete nothing).

Update services take every changeable field as a keyword argument defaulting to `UNCHANGED`, so
that a partial update (an API PATCH) leaves the fields it does not name as they are, and `None`
still clears a nullable field.
"""

import enum
from typing import Any, Final, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


class Unchanged(enum.Enum):
    """The default of an update service's field argument: the field keeps its value."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def given(**fields: Any) -> dict[str, Any]:
    """Return the fields an update service was given a value for (those not `UNCHANGED`)."""
    return {name: value for name, value in fields.items() if value is not UNCHANGED}


def validated_save(instance: M, **fields: Any) -> M:
    """Set fields, validate the whole row (field rules, model rules, database constraints),
    then save; a ValidationError keyed by field leaves the database untouched."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance
