"""The bodies of the cycle writes: create, change the Plan, start from an idea, move to Check,
decide (one serializer per service, its arguments by name)."""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.validation import LONG_TEXT, validate_date_in_range
from feedback.models import Complaint, ImprovementIdea
from journeys.models import Journey, Touchpoint
from metrics.models import Indicator
from stakeholders.models import Partner

from ...models import PDCACycle
from .fields import (
    CallerScopedMixin,
    people,
)

User = get_user_model()


class CycleCreateSerializer(CallerScopedMixin, serializers.Serializer):
    """A new cycle in Plan; with a target indicator its baseline is computed from the data
    (the year before the start; PATCH baseline_from and baseline_to to choose another window)."""

    title = serializers.CharField(max_length=150)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    type = serializers.ChoiceField(
        choices=PDCACycle.Type.choices, required=False, default=PDCACycle.Type.IMPROVEMENT
    )
    origin = serializers.ChoiceField(
        choices=PDCACycle.Origin.choices, required=False, default=PDCACycle.Origin.MANUAL
    )
    journey = serializers.PrimaryKeyRelatedField(
        queryset=Journey.objects.all(), required=False, allow_null=True, default=None
    )
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), required=False, allow_null=True, default=None
    )
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), required=False, allow_null=True, default=None
    )
    team = people("Team members, by user id.")
    complaints = serializers.PrimaryKeyRelatedField(
        queryset=Complaint.objects.all(),
        many=True,
        required=False,
        help_text="Complaints the cycle comes from, by id.",
    )
    ideas = serializers.PrimaryKeyRelatedField(
        queryset=ImprovementIdea.objects.all(),
        many=True,
        required=False,
        help_text="Ideas the cycle comes from, by id.",
    )
    problem_statement = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    root_cause_category = serializers.ChoiceField(
        choices=Complaint.RootCause.choices, required=False, allow_blank=True, default=""
    )
    five_whys = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        max_length=5,
        help_text="The answers to “why?”, in order (at most five).",
    )
    hypothesis = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT
    )
    target_indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The indicator's code.",
    )
    target_value = serializers.FloatField(required=False, allow_null=True, default=None)
    planned_check_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date_in_range]
    )
    started_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validate_date_in_range],
        help_text="The day the cycle started; today when left out.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope_complaints()


class CycleUpdateSerializer(CallerScopedMixin, serializers.Serializer):
    """The fields of a cycle to change; the target indicator, baseline and target are fixed
    once the Check began, and a closed cycle is kept as it was."""

    title = serializers.CharField(max_length=150, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    type = serializers.ChoiceField(choices=PDCACycle.Type.choices, required=False)
    journey = serializers.PrimaryKeyRelatedField(
        queryset=Journey.objects.all(), required=False, allow_null=True
    )
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), required=False, allow_null=True
    )
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), required=False, allow_null=True
    )
    team = people("Team members, by user id (replaces the team).")
    complaints = serializers.PrimaryKeyRelatedField(
        queryset=Complaint.objects.all(),
        many=True,
        required=False,
        help_text="Complaints the cycle comes from, by id (replaces them).",
    )
    ideas = serializers.PrimaryKeyRelatedField(
        queryset=ImprovementIdea.objects.all(),
        many=True,
        required=False,
        help_text="Ideas the cycle comes from, by id (replaces them).",
    )
    problem_statement = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT
    )
    root_cause_category = serializers.ChoiceField(
        choices=Complaint.RootCause.choices, required=False, allow_blank=True
    )
    five_whys = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        max_length=5,
        help_text="The answers to “why?”, in order (at most five).",
    )
    hypothesis = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    target_indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        required=False,
        allow_null=True,
        help_text="The indicator's code.",
    )
    baseline_from = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
    baseline_to = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
    target_value = serializers.FloatField(required=False, allow_null=True)
    planned_check_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_in_range]
    )
    check_periods = serializers.IntegerField(required=False, min_value=1, max_value=60)
    publish = serializers.BooleanField(
        required=False, help_text="Show the adopted change on “You said, we did”."
    )
    public_summary = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope_complaints()


class CycleFromIdeaSerializer(serializers.Serializer):
    """The accepted idea to turn into a cycle."""

    idea = serializers.PrimaryKeyRelatedField(
        queryset=ImprovementIdea.objects.all(), help_text="The idea's id."
    )


class CycleCheckStartSerializer(serializers.Serializer):
    """When the change went live (the Do phase's start when left out)."""

    change_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validate_date_in_range],
        help_text="The after window starts with the first period wholly after this day.",
    )


class CycleDecisionSerializer(serializers.Serializer):
    """The decision on the Check: adopt (with the new standard), adapt, or abandon (why)."""

    outcome = serializers.ChoiceField(choices=PDCACycle.Outcome.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LONG_TEXT,
        help_text="Why the cycle is abandoned (required to abandon).",
    )
    new_standard = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LONG_TEXT,
        help_text="The touchpoint's new service standard (required to adopt a touchpoint's "
        "change).",
    )
