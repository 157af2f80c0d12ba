"""Surveys API: define surveys, read their responses, push one response from an integration.

Responses are read with `feedback.view_surveyresponse`. Employee (eNPS) answers are never
listed or shown one by one (`selectors.responses_shown_one_by_one`): only their aggregates
on the survey's page, for groups of at least the anonymity threshold. An integration creating
one gets back only its id, survey and channel.
"""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.serializers import BaseSerializer

from core.roles import acting_user
from core.validation import validate_date_in_range, validate_record_date

from .. import selectors, services
from ..models import Survey, SurveyResponse


class SurveySerializer(serializers.ModelSerializer[Survey]):
    """A survey: its kind and scale, wording, scope, window, recurrence and public link."""

    kind = serializers.ChoiceField(
        choices=Survey.Kind.choices, help_text="nps 0-10, csat 1-5, ces 1-7, enps 0-10."
    )
    question = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Empty takes the standard wording of the kind.",
    )
    scale = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "name",
            "kind",
            "scale",
            "question",
            "comment_question",
            "ask_improvement",
            "ask_follow_up",
            "journey",
            "touchpoint",
            "starts_at",
            "ends_at",
            "recurrence_weeks",
            "pulse_audience",
            "is_open",
            "public_token",
            "public_url",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["public_token", "created_by", "created_at"]
        # Uniqueness and the window are checked by the service (a 400 keyed by field).
        validators: list[Any] = []
        extra_kwargs = {"name": {"validators": []}, "starts_at": {"required": False}}

    @extend_schema_field(
        {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}
    )
    def get_scale(self, survey: Survey) -> list[int]:
        """Return the lowest and highest score."""
        return list(survey.scale)

    def get_public_url(self, survey: Survey) -> str | None:
        """Return the public link customers answer at (none for employee pulses)."""
        if survey.is_employee_survey:
            return None
        path = reverse("public-survey:answer", args=[survey.public_token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_is_open(self, survey: Survey) -> bool:
        """Return whether the survey takes answers now."""
        return survey.is_open()


class SurveyFilter(filters.FilterSet):
    """Filter surveys by kind and scope."""

    class Meta:
        model = Survey
        fields = ["kind", "journey", "touchpoint"]


class SurveyViewSet(viewsets.ModelViewSet[Survey]):
    """Surveys (NPS, CSAT, CES, employee eNPS); a survey with answers cannot be deleted."""

    queryset = Survey.objects.select_related("journey", "touchpoint").order_by("name")
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    lookup_value_regex = r"\d+"

    def perform_create(self, serializer: BaseSerializer[Survey]) -> None:
        serializer.instance = services.survey_create(
            created_by=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Survey]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.survey_update(
            survey=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Survey) -> None:
        services.survey_delete(survey=instance, by=acting_user(self.request))


class SurveyResponseSerializer(serializers.ModelSerializer[SurveyResponse]):
    """One answer. Created by an integration (channel "api"); an eNPS answer created here comes
    back without what it says (its score, comment and time), and is never listed."""

    score = serializers.IntegerField(help_text="On the survey's scale (see the survey's scale).")
    responded_at = serializers.DateTimeField(required=False, validators=[validate_record_date])

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "survey",
            "customer",
            "journey",
            "touchpoint",
            "department",
            "score",
            "comment",
            "improvement_suggestion",
            "follow_up_consent",
            "channel",
            "external_id",
            "responded_at",
            "idea",
        ]
        read_only_fields = ["journey", "touchpoint", "channel", "idea"]
        validators: list[Any] = []

    def to_representation(self, instance: SurveyResponse) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.survey.is_employee_survey:
            # Only when an integration creates one (eNPS answers are never listed): nothing of
            # the answer itself, which is shown only in aggregate on the results page.
            kept, texts = {"id", "survey", "channel"}, {"comment", "improvement_suggestion"}
            data = {
                name: value if name in kept else "" if name in texts else None
                for name, value in data.items()
            }
            data["external_id"], data["follow_up_consent"] = "", False
        return data


class SurveyResponseCreatedSerializer(SurveyResponseSerializer):
    """The answer as creating it returns it: an eNPS answer's score and time are null."""

    score = serializers.IntegerField(allow_null=True, help_text="Null for an eNPS answer.")
    responded_at = serializers.DateTimeField(allow_null=True, help_text="Null for an eNPS answer.")


class SurveyResponseFilter(filters.FilterSet):
    """Filter responses by survey, scope, channel and answer time."""

    responded_after = filters.IsoDateTimeFilter(
        field_name="responded_at", lookup_expr="gte", validators=[validate_date_in_range]
    )
    responded_before = filters.IsoDateTimeFilter(
        field_name="responded_at", lookup_expr="lt", validators=[validate_date_in_range]
    )

    class Meta:
        model = SurveyResponse
        fields = ["survey", "journey", "touchpoint", "channel", "customer"]


@extend_schema_view(create=extend_schema(responses={201: SurveyResponseCreatedSerializer}))
class SurveyResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[SurveyResponse],
):
    """Survey responses, newest first. Create one at a time here; many through the bulk route."""

    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    # Digits only, so that the bulk route (survey-responses/bulk/) never reads as a detail.
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        return selectors.responses_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[SurveyResponse]) -> None:
        data = dict(serializer.validated_data)
        response = services.survey_respond(channel=SurveyResponse.Channel.API, **data)
        # Not through get_queryset: an eNPS answer is stored but never read back one by one.
        serializer.instance = response
