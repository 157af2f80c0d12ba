"""The one way services write a row: set the fields, validate everything, then save."""

from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def validated_save(instance: M, **fields: Any) -> M:
    """Set fields, validate the whole row (field rules, model rules, database constraints),
    then save; a ValidationError keyed by field leaves the database untouched."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance
