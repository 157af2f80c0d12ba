"""Serializers of cycle actions: an action as clients read it, and the bodies of its writes."""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.validation import LONG_TEXT, validate_date_in_range

from ... import selectors
from ...models import CycleAction, PDCACycle
from ...services.actions import can_update_action
from .fields import caller

User = get_user_model()


class CycleActionSerializer(serializers.ModelSerializer[CycleAction]):
    """A task of a cycle's Do phase, or an immediate containment action."""

    cycle: serializers.SlugRelatedField[PDCACycle] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, help_text="The cycle's reference."
    )
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    is_open = serializers.BooleanField(read_only=True, help_text="Neither done nor deferred.")
    is_overdue = serializers.SerializerMethodField(help_text="Open and past its due date.")
    may_update = serializers.SerializerMethodField(
        help_text="Whether the caller may tick it off, note on it or defer it."
    )

    class Meta:
        model = CycleAction
        fields = [
            "id",
            "cycle",
            "title",
            "owner",
            "owner_username",
            "due_on",
            "done_on",
            "note",
            "containment",
            "deferred_reason",
            "is_open",
            "is_overdue",
            "may_update",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, action: CycleAction) -> bool:
        """Return whether the open action is past its due date."""
        return action.is_overdue()

    def get_may_update(self, action: CycleAction) -> bool:
        """Return whether the caller may update the action."""
        user = caller(self)
        return bool(user.is_authenticated and can_update_action(user, action))


class ActionCreateSerializer(serializers.Serializer):
    """A new action of a cycle in Plan or Do (a containment action also in Check)."""

    cycle = serializers.SlugRelatedField(
        slug_field="reference",
        queryset=PDCACycle.objects.none(),
        help_text="The cycle's reference.",
    )
    title = serializers.CharField(max_length=200)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField(validators=[validate_date_in_range])
    containment = serializers.BooleanField(
        required=False, default=False, help_text="Stops the harm now, before the root cause."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=LONG_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cycle_field: Any = self.fields["cycle"]
        cycle_field.queryset = selectors.cycles_visible_to(caller(self))


class ActionUpdateSerializer(serializers.Serializer):
    """What to change on an action: its owner adds a note; quality managers also re-plan it."""

    title = serializers.CharField(max_length=200, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    due_on = serializers.DateField(required=False, validators=[validate_date_in_range])
    note = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)


class ActionCompletionSerializer(serializers.Serializer):
    """When the action was done (today when left out) and what was done."""

    done_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date_in_range]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=LONG_TEXT)
