"""Pulses API: a recurring survey's results per pulse, newest first, under the survey.

Read with `feedback.view_surveyresponse`, like the survey's results page, with the same
anonymity rules: a pulse with fewer answers than the threshold has a null score, and an eNPS
pulse names a department's score only with at least that many answers.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Survey
from ..selectors.pulses import SCORE_LABELS, PulseResult, pulse_periods, pulse_results
from .permissions import HoldsPermission


class MayReadResults(HoldsPermission):
    """Let only those who read survey results (quality managers, executives) read pulses."""

    permission = "feedback.view_surveyresponse"


class PulseDepartmentSerializer(serializers.Serializer[Any]):
    """One department's part of an eNPS pulse; its score only with enough answers."""

    name = serializers.CharField()
    state = serializers.CharField(
        help_text="shown: its own score; few: fewer answers than the anonymity threshold, "
        'counted in "Other departments"; merged: counted there to protect a smaller one.',
    )
    answers = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)


class PulseResultSerializer(serializers.Serializer[PulseResult]):
    """One pulse: its window, whom its invitations reached, its answers and score."""

    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    in_progress = serializers.BooleanField(help_text="Running now: its score is not final.")
    sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When its invitations went out; null when not e-mailed."
    )
    invited = serializers.IntegerField(allow_null=True)
    answers = serializers.IntegerField()
    participations = serializers.IntegerField(
        allow_null=True, help_text="eNPS: how many employees answered; null for other kinds."
    )
    participation = serializers.IntegerField(
        allow_null=True, help_text="eNPS: % of the people invited who answered."
    )
    score = serializers.FloatField(
        allow_null=True,
        help_text="NPS/eNPS -100..100, CSAT % scoring 4-5, CES mean; null with no answers or "
        "fewer than the anonymity threshold (5).",
    )
    score_label = serializers.SerializerMethodField()
    below_threshold = serializers.BooleanField(
        source="hidden", help_text="Some answers, fewer than the anonymity threshold."
    )
    change = serializers.FloatField(
        allow_null=True, help_text="Since the pulse before; null for the pulse in progress."
    )
    departments = PulseDepartmentSerializer(many=True)

    def get_score_label(self, result: PulseResult) -> str:
        """Return what the score is (e.g. "eNPS")."""
        return str(self.context.get("score_label", ""))


@extend_schema(
    parameters=[OpenApiParameter("survey_id", int, OpenApiParameter.PATH, description="Survey id")]
)
class SurveyPulseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """A recurring survey's pulses with their results, newest first (none for a survey asked
    once)."""

    # The pulses are the survey's schedule, not rows: the survey is what the path names.
    queryset = Survey.objects.none()
    serializer_class = PulseResultSerializer
    permission_classes = [MayReadResults]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        survey = get_object_or_404(Survey, pk=self.kwargs["survey_id"])
        page = self.paginate_queryset(pulse_periods(survey))  # type: ignore[arg-type]
        results = pulse_results(survey, list(page or []))
        serializer = self.get_serializer(
            results,
            many=True,
            context={
                **self.get_serializer_context(),
                "score_label": SCORE_LABELS[Survey.Kind(survey.kind)],
            },
        )
        return self.get_paginated_response(serializer.data)
