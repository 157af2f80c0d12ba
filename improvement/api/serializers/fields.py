"""Fields and small serializers the improvement API's serializers share."""

import math
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validation import LONG_TEXT
from feedback.selectors import complaints_visible_to

User = get_user_model()


@extend_schema_field(OpenApiTypes.DOUBLE)
class FiniteFloatField(serializers.Field[float, float, float | None, Any]):
    """A read-only float that reads as null when it is not a finite number (JSON has no NaN)."""

    def to_representation(self, value: float) -> float | None:
        number = float(value)
        return number if math.isfinite(number) else None


def finite_number(help_text: str = "") -> FiniteFloatField:
    """Return a read-only, nullable number field of a computed value."""
    return FiniteFloatField(read_only=True, allow_null=True, help_text=help_text)


class PersonSerializer(serializers.Serializer):
    """A person, by id and username."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class LinkedComplaintSerializer(serializers.Serializer):
    """A complaint a cycle or suggestion came from (only those the caller may read)."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)


class LinkedIdeaSerializer(serializers.Serializer):
    """An improvement idea a cycle came from."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


def caller(serializer: Any) -> Any:
    """Return who asks (anonymous without a request: the schema generator's instances)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


def linked_complaints(user: Any, **linked_to: Any) -> list[dict[str, Any]]:
    """Return the id and reference of the linked complaints the user may read."""
    rows = complaints_visible_to(user).filter(**linked_to).order_by("id")
    return [{"id": pk, "reference": ref} for pk, ref in rows.values_list("id", "reference")]


class CallerScopedMixin:
    """Limit the complaints a body may link to those the caller may read."""

    fields: Any
    context: dict[str, Any]

    def _scope_complaints(self) -> None:
        field = self.fields.get("complaints")
        if field is not None:
            field.child_relation.queryset = complaints_visible_to(caller(self))


def people(help_text: str) -> serializers.PrimaryKeyRelatedField[Any]:
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False, help_text=help_text
    )


class ReasonSerializer(serializers.Serializer):
    """Why: shown to the people concerned and kept on record."""

    reason = serializers.CharField(max_length=LONG_TEXT)
