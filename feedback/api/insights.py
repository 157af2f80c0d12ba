"""Insights API: the themes quality managers keep, and insights to search, note and tag."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api import ReadBackMixin
from core.roles import acting_user
from core.validation import ID_DIGITS, MAX_ID, validate_date_in_range
from journeys.models import Touchpoint

from .. import selectors, services
from ..models import Insight, Theme
from .validation import _valid


class ThemeSerializer(serializers.ModelSerializer[Theme]):
    """A theme insights are tagged with; retired ones (not active) keep their tags."""

    class Meta:
        model = Theme
        fields = ["id", "name", "description", "is_active"]
        validators: list[Any] = []


class ThemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Theme],
):
    """Themes of what customers say: everyone reads them, quality managers keep the list."""

    queryset = Theme.objects.order_by("name")
    serializer_class = ThemeSerializer
    filterset_fields = ["is_active"]

    def perform_create(self, serializer: BaseSerializer[Theme]) -> None:
        serializer.instance = services.theme_create(
            by=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Theme]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.theme_update(
            theme=serializer.instance, by=acting_user(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: Theme) -> None:
        services.theme_delete(theme=instance, by=acting_user(self.request))


class InsightThemeSerializer(serializers.ModelSerializer[Theme]):
    """A theme as an insight shows it."""

    class Meta:
        model = Theme
        fields = ["id", "name"]
        read_only_fields = fields


class InsightSerializer(serializers.ModelSerializer[Insight]):
    """One piece of qualitative feedback with its themes."""

    touchpoint_name = serializers.CharField(
        source="touchpoint.name", read_only=True, allow_null=True
    )
    journey = serializers.IntegerField(
        source="touchpoint.stage.journey_id", read_only=True, allow_null=True
    )
    complaint_reference = serializers.CharField(
        source="complaint.reference", read_only=True, allow_null=True
    )
    author_username = serializers.CharField(
        source="author.username", read_only=True, allow_null=True
    )
    themes = InsightThemeSerializer(many=True, read_only=True)

    class Meta:
        model = Insight
        fields = [
            "id",
            "source",
            "text",
            "touchpoint",
            "touchpoint_name",
            "journey",
            "complaint",
            "complaint_reference",
            "response",
            "author",
            "author_username",
            "occurred_at",
            "themes",
        ]
        read_only_fields = fields


class InsightNoteSerializer(serializers.Serializer):
    """What a customer told a member of staff; themes only from those who may tag."""

    text = serializers.CharField(max_length=5000)
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), required=False, allow_null=True
    )
    themes = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.all(), many=True, required=False
    )


class InsightTaggingSerializer(serializers.Serializer):
    """The themes of the insight; the list replaces the one it had."""

    themes = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all(), many=True)


class InsightParameters(serializers.Serializer):
    """The insights page's search and filters, as query parameters."""

    search = serializers.CharField(required=False, max_length=100, help_text="Part of the text.")
    # A declared field named like Field.source: DRF takes it as a field, mypy as the attribute.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Insight.Source.choices, required=False
    )
    theme = serializers.RegexField(
        rf"^(untagged|{ID_DIGITS})$",
        required=False,
        help_text='A theme id, or "untagged" for insights without a theme.',
    )
    touchpoint = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    journey = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    date_from = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text="From this day (organisation time zone).",
    )
    date_to = serializers.DateField(
        required=False,
        validators=[validate_date_in_range],
        help_text="Up to and including this day (organisation time zone).",
    )


class InsightViewSet(
    ReadBackMixin[Insight],
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Insight],
):
    """Insights: survey comments, complaints and staff notes, tagged with themes.

    Everyone reads them, a complaint's only with the complaint and eNPS comments never (see
    `insights_visible_to`); frontline staff and quality managers add notes; quality managers tag.
    """

    serializer_class = InsightSerializer

    def get_queryset(self) -> QuerySet[Insight]:
        return selectors.insight_list(self.request.user)

    @extend_schema(parameters=[InsightParameters])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List insights, newest first, searched and filtered like the insights page."""
        parameters = InsightParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        rows = selectors.insight_list(
            request.user, selectors.InsightFilters(**parameters.validated_data)
        )
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(InsightSerializer(rows, many=True).data)
        return self.get_paginated_response(InsightSerializer(page, many=True).data)

    @extend_schema(request=InsightNoteSerializer, responses={201: InsightSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record what a customer said to a member of staff, as a note."""
        data = _valid(InsightNoteSerializer, request)
        insight = services.insight_note(author=acting_user(request), **data)
        return self.answer(insight, status.HTTP_201_CREATED)

    @extend_schema(request=InsightTaggingSerializer, responses=InsightSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Tag the insight: set its themes (quality managers)."""
        insight = self.get_object()
        data = _valid(InsightTaggingSerializer, request)
        services.insight_tag(insight=insight, themes=data["themes"], by=acting_user(request))
        return self.answer(insight)
