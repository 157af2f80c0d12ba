"""Serializers of suggested cycles (CAPA)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.models import Complaint
from metrics.models import Indicator

from ...models import PDCACycle, Suggestion
from .fields import LinkedComplaintSerializer, caller, linked_complaints


class SuggestionSerializer(serializers.ModelSerializer[Suggestion]):
    """A cycle the system proposes from its evidence, and what became of it."""

    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True, allow_null=True)
    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The indicator's code."
    )
    root_cause_category = serializers.ChoiceField(
        choices=Complaint.RootCause.choices,
        allow_blank=True,
        read_only=True,
        help_text="The root cause shared by a complaint cluster; blank for other kinds.",
    )
    cycle: serializers.SlugRelatedField[PDCACycle] = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The cycle accepting it made, by reference.",
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "summary",
            "evidence_key",
            "touchpoint",
            "touchpoint_name",
            "root_cause_category",
            "indicator",
            "period",
            "audit",
            "partner",
            "partner_name",
            "decided_by",
            "decided_at",
            "dismiss_reason",
            "cycle",
            "created_at",
        ]
        read_only_fields = fields


class SuggestionDetailSerializer(SuggestionSerializer):
    """A suggested cycle with the complaints of its evidence the caller may read."""

    complaints = serializers.SerializerMethodField()

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "complaints"]
        read_only_fields = fields

    @extend_schema_field(LinkedComplaintSerializer(many=True))
    def get_complaints(self, suggestion: Suggestion) -> list[dict[str, Any]]:
        """Return the complaints of the evidence the caller may read."""
        return linked_complaints(caller(self), suggestions=suggestion)
