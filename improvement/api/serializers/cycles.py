"""Serializers of PDCA cycles as clients read them: a cycle, its detail and its Check (the
bodies of the writes are in cycle_writes.py)."""

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.models import Complaint
from metrics.models import Indicator

from ...models import PDCACycle
from .actions import CycleActionSerializer
from .fields import (
    LinkedComplaintSerializer,
    LinkedIdeaSerializer,
    PersonSerializer,
    caller,
    finite_number,
    linked_complaints,
)

User = get_user_model()


class CheckResultSerializer(serializers.Serializer):
    """The Check of a cycle, computed from its target indicator's snapshots (never typed)."""

    measure = serializers.CharField(
        read_only=True, help_text="What the indicator measures: rate, nps, mean or count."
    )
    test = serializers.CharField(read_only=True, help_text="The significance test used.")
    before_value = finite_number("The baseline's value.")
    before_n = finite_number("The baseline's sample size or exposure.")
    before_periods = serializers.IntegerField(read_only=True)
    after_value = finite_number("The value after the change.")
    after_n = finite_number()
    after_periods = serializers.IntegerField(read_only=True)
    difference = finite_number("After minus before, in the indicator's units.")
    relative_change = finite_number("The difference as a share of the baseline.")
    standard_error = finite_number("The standard error of the difference.")
    ci_low = finite_number("The lower end of the difference's 95 % confidence interval.")
    ci_high = finite_number("The upper end of the difference's 95 % confidence interval.")
    statistic = finite_number("z or t, positive when the after window is higher.")
    p_value = finite_number()
    significant = serializers.BooleanField(read_only=True)
    improved = serializers.BooleanField(read_only=True, allow_null=True)
    shift = serializers.BooleanField(
        read_only=True, help_text="Whether the after window shows a special-cause shift."
    )
    shift_rule = serializers.CharField(read_only=True)
    shift_periods = serializers.ListField(child=serializers.CharField(), read_only=True)
    assurance = serializers.CharField(read_only=True, help_text="The assurance against the target.")
    verdict = serializers.CharField(
        read_only=True, help_text="effective, not_effective or inconclusive."
    )
    reason = serializers.CharField(read_only=True)
    periods_needed = serializers.IntegerField(
        read_only=True, help_text="How many more complete periods an inconclusive Check needs."
    )
    summary = serializers.CharField(read_only=True, help_text="The result in plain words.")
    before_start = serializers.DateField(read_only=True, allow_null=True)
    before_end = serializers.DateField(read_only=True, allow_null=True)
    after_start = serializers.DateField(read_only=True, allow_null=True)
    after_end = serializers.DateField(read_only=True, allow_null=True)


def check_result_of(cycle: PDCACycle) -> dict[str, Any] | None:
    """Return the cycle's stored Check as the API shows it, or None before the first Check."""
    if not cycle.check_result:
        return None
    return dict(CheckResultSerializer(cycle.check_result).data)


class CycleSerializer(serializers.ModelSerializer[PDCACycle]):
    """A PDCA cycle as lists show it: its scope, Plan, baseline, phase dates, Check and decision.

    Baselines and the Check are computed from the target indicator's snapshots; writes go
    through the phase routes and the Plan's PATCH.
    """

    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="The cycle's page."
    )
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    journey_name = serializers.CharField(source="journey.name", read_only=True, allow_null=True)
    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True, allow_null=True)
    follows_up: serializers.SlugRelatedField[PDCACycle] = serializers.SlugRelatedField(
        source="parent",
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The cycle this one follows up (adapted), by reference.",
    )
    five_whys = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The answers to “why?”, in order.",
    )
    target_indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The indicator's code."
    )
    target_indicator_name = serializers.CharField(
        source="target_indicator.name", read_only=True, allow_null=True
    )
    baseline_value = finite_number(
        "Computed from the indicator's snapshots in the baseline window."
    )
    baseline_n = finite_number()
    baseline_center = finite_number()
    baseline_lcl = finite_number()
    baseline_ucl = finite_number()
    impact_effect = finite_number("The measured effect of an adopted cycle.")
    impact_value = finite_number("The estimated value per year, derived from the measured effect.")
    # Blank until set: declared so, as the model stores them (read-only choices would not be).
    root_cause_category = serializers.ChoiceField(
        choices=Complaint.RootCause.choices,
        allow_blank=True,
        read_only=True,
        help_text="The fishbone (6M) category of the root cause; blank until chosen.",
    )
    verdict = serializers.ChoiceField(
        choices=PDCACycle.Verdict.choices,
        allow_blank=True,
        read_only=True,
        help_text="The Check's verdict; blank before the first Check.",
    )
    outcome = serializers.ChoiceField(
        choices=PDCACycle.Outcome.choices,
        allow_blank=True,
        read_only=True,
        help_text="The decision in Act; blank before it.",
    )
    check_result = serializers.SerializerMethodField()
    open_action_count = serializers.IntegerField(
        read_only=True, help_text="Actions neither done nor deferred."
    )

    class Meta:
        model = PDCACycle
        fields = [
            "reference",
            "title",
            "phase",
            "type",
            "origin",
            "owner",
            "owner_username",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "partner",
            "partner_name",
            "follows_up",
            "problem_statement",
            "root_cause_category",
            "five_whys",
            "hypothesis",
            "target_indicator",
            "target_indicator_name",
            "baseline_from",
            "baseline_to",
            "baseline_value",
            "baseline_n",
            "baseline_periods",
            "baseline_center",
            "baseline_lcl",
            "baseline_ucl",
            "target_value",
            "planned_check_on",
            "check_periods",
            "started_on",
            "do_on",
            "change_on",
            "check_on",
            "verdict",
            "check_result",
            "checked_at",
            "outcome",
            "outcome_reason",
            "new_standard",
            "acted_on",
            "closed_on",
            "impact_effect",
            "impact_value",
            "impact_basis",
            "impact_frozen_at",
            "publish",
            "public_summary",
            "open_action_count",
            "created_by",
            "created_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(CheckResultSerializer(allow_null=True))
    def get_check_result(self, cycle: PDCACycle) -> dict[str, Any] | None:
        """Return the stored Check, or None before the first one."""
        return check_result_of(cycle)


class CycleDetailSerializer(CycleSerializer):
    """A PDCA cycle with its team, actions, follow-ups and the complaints and ideas it came from.

    Complaints show only when the caller may read them (frontline staff: their own).
    """

    team = serializers.SerializerMethodField()
    actions = CycleActionSerializer(many=True, read_only=True)
    complaints = serializers.SerializerMethodField()
    ideas = serializers.SerializerMethodField()
    follow_ups: serializers.SlugRelatedField[PDCACycle] = serializers.SlugRelatedField(
        slug_field="reference", many=True, read_only=True, help_text="Follow-up cycles."
    )

    class Meta(CycleSerializer.Meta):
        fields = [
            *CycleSerializer.Meta.fields,
            "team",
            "actions",
            "complaints",
            "ideas",
            "follow_ups",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(many=True))
    def get_team(self, cycle: PDCACycle) -> list[dict[str, Any]]:
        """Return the team members."""
        return [{"id": user.pk, "username": user.get_username()} for user in cycle.team.all()]

    @extend_schema_field(LinkedComplaintSerializer(many=True))
    def get_complaints(self, cycle: PDCACycle) -> list[dict[str, Any]]:
        """Return the linked complaints the caller may read."""
        return linked_complaints(caller(self), cycles=cycle)

    @extend_schema_field(LinkedIdeaSerializer(many=True))
    def get_ideas(self, cycle: PDCACycle) -> list[dict[str, Any]]:
        """Return the linked ideas (staff read every idea)."""
        if not caller(self).has_perm("feedback.view_improvementidea"):
            return []
        return [
            {"id": idea.pk, "reference": idea.reference, "title": idea.title}
            for idea in cycle.ideas.all()
        ]


class CycleCheckSerializer(serializers.Serializer):
    """A cycle's Check: its verdict, when it ran and the computed result (null before)."""

    reference = serializers.CharField(read_only=True)
    phase = serializers.CharField(read_only=True)
    verdict = serializers.CharField(
        read_only=True, help_text="effective, not_effective, inconclusive, or blank before."
    )
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    result = CheckResultSerializer(read_only=True, allow_null=True)


# Bodies of the writes ----------------------------------------------------------------------------
