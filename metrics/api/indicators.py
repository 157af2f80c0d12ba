"""Indicators API: definitions, observed values, recomputes, control charts, series and limits."""

from typing import Any

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.exceptions import ApplicationError
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.parsers import JSONParser
from core.roles import acting_user
from core.validation import validate_date_in_range

from .. import services
from ..models import Indicator, LimitSegment, Observation, RecomputeRun
from ..recompute import recompute_start
from ..series import chart_payload, series_payload
from .charts import ChartSerializer, SeriesSerializer
from .permissions import LimitSegmentPermissions, ObservationPermissions, RecomputeRunPermissions
from .runs import RecomputeRunSerializer


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    """An indicator's definition, and what the recompute derived from its snapshots."""

    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="The indicator's page."
    )
    status_label = serializers.CharField(
        source="get_status_display",
        read_only=True,
        help_text="The status in words, as the pages and alerts show it.",
    )
    assurance_label = serializers.CharField(
        source="get_assurance_display",
        read_only=True,
        help_text="Where the process limits sit against the target, in words.",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "owner",
            "kind",
            "stakeholder_group",
            "journey",
            "touchpoint",
            "partner",
            "segment",
            "unit",
            "direction",
            "target",
            "amber_threshold",
            "red_threshold",
            "grain",
            "chart_type",
            "baseline_periods",
            "computation",
            "active_customer",
            "active_window_days",
            "rule_set",
            "is_active",
            "status",
            "status_label",
            "variation",
            "assurance",
            "assurance_label",
            "trend",
            "trend_slope",
            "trend_p_value",
            "latest_period",
            "latest_value",
            "current_period",
            "current_value",
            "current_n",
            "url",
        ]
        read_only_fields = [
            "status",
            "variation",
            "assurance",
            "trend",
            "trend_slope",
            "trend_p_value",
            "latest_period",
            "latest_value",
            "current_period",
            "current_value",
            "current_n",
        ]
        validators: list[Any] = []


class IndicatorFilter(filters.FilterSet):
    """Filter indicators by kind, stakeholder group, journey, status and computation."""

    class Meta:
        model = Indicator
        fields = ["kind", "stakeholder_group", "journey", "status", "computation"]


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    """One stored value of an observed indicator."""

    class Meta:
        model = Observation
        fields = ["id", "period", "value", "n", "external_id", "created_at"]
        read_only_fields = fields


# Documents the rows only: observations_add checks them, naming every row at fault in one answer.
class ObservationRowSerializer(serializers.Serializer):
    """One value to add; several rows of one period form a subgroup (X-bar R chart)."""

    period = serializers.DateField(help_text="A day of the period, as YYYY-MM-DD.")
    value = serializers.FloatField(
        help_text="The value; for a p chart the nonconforming count, for c and u the defects."
    )
    n = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The sample size: required for p and u charts.",
    )


class ObservationsAddedSerializer(serializers.Serializer):
    """How many observations were stored."""

    created = serializers.IntegerField()


class RefusalSerializer(serializers.Serializer):
    """Why the request was refused."""

    detail = serializers.CharField()
    extra = serializers.DictField(child=serializers.JSONField(), required=False)


class LimitRecalculationSerializer(serializers.Serializer):
    """From which period the control limits restart, and why the process changed."""

    starts_on = serializers.DateField(
        validators=[validate_date_in_range],
        help_text="A day of the first period of the new limits.",
    )

    reason = serializers.CharField(max_length=200, allow_blank=True)


class LimitSegmentSerializer(serializers.ModelSerializer[LimitSegment]):
    """A calibration window of an indicator's control limits, from a period on."""

    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = LimitSegment
        fields = ["id", "indicator", "starts_on", "reason", "created_by", "created_at"]
        read_only_fields = fields


class IndicatorViewSet(viewsets.ModelViewSet[Indicator]):
    """Leading and lagging indicators, looked up by code.

    Everyone reads them with their charts; quality managers define them, add observed values,
    restart limits and recompute.
    """

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9][a-z0-9_-]*"

    def perform_create(self, serializer: BaseSerializer[Indicator]) -> None:
        serializer.instance = services.indicator_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Indicator]) -> None:
        assert serializer.instance is not None  # an update always has its row
        serializer.instance = services.indicator_update(
            indicator=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Indicator) -> None:
        services.indicator_delete(indicator=instance, by=acting_user(self.request))

    @extend_schema(
        methods=["GET"],
        description="List the indicator's stored observations, by period.",
        request=None,
        responses=ObservationSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        description="Add observed values (all or nothing): a JSON list of rows. Send an "
        "Idempotency-Key to retry safely.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ObservationRowSerializer(many=True),
        responses={
            201: ObservationsAddedSerializer,
            400: OpenApiResponse(description="No row was saved: the rows at fault are named."),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[ObservationPermissions],
        parser_classes=[JSONParser],
        filter_backends=[],
    )
    def observations(self, request: Request, code: str) -> Response:
        """List the indicator's observations (GET), or add a batch of them (POST)."""
        indicator = self.get_object()
        if request.method == "POST":
            return self._observations_add(request, indicator)
        rows = indicator.observations.order_by("period", "id")
        # The paginator itself: paginate_queryset is typed for the view's own rows (indicators).
        paginator = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self) if paginator else None
        if page is None:
            return Response(ObservationSerializer(rows, many=True).data)
        return self.get_paginated_response(ObservationSerializer(page, many=True).data)

    @idempotent
    def _observations_add(self, request: Request, indicator: Indicator) -> Response:
        if not isinstance(request.data, list):
            raise ApplicationError(
                _('Send a JSON list of observations: [{"period": "2026-03-01", "value": 4.2}].')
            )
        created = services.observations_add(indicator=indicator, rows=request.data)
        return Response(
            ObservationsAddedSerializer({"created": len(created)}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                RecomputeRunSerializer, description="The run, started; its work is queued."
            ),
            409: OpenApiResponse(
                RefusalSerializer, description="Another run is busy: nothing was started."
            ),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[RecomputeRunPermissions])
    def recompute(self, request: Request, code: str) -> Response:
        """Recompute every period of the indicator from its source data."""
        indicator = self.get_object()
        run = recompute_start(
            mode=RecomputeRun.Mode.FULL,
            trigger=RecomputeRun.Trigger.API,
            indicator=indicator,
            user=acting_user(request),
        )
        if run.status == RecomputeRun.Status.SKIPPED:
            return Response({"detail": run.error}, status=status.HTTP_409_CONFLICT)
        return Response(RecomputeRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ChartSerializer)
    @action(detail=True, methods=["get"])
    def chart(self, request: Request, code: str) -> Response:
        """Return the indicator's control chart, as the last recompute left it."""
        return Response(ChartSerializer(chart_payload(self.get_object())).data)

    @extend_schema(responses=SeriesSerializer)
    @action(detail=True, methods=["get"])
    def series(self, request: Request, code: str) -> Response:
        """Return the indicator's snapshots with its status, variation, trend and latest value."""
        return Response(SeriesSerializer(series_payload(self.get_object())).data)

    @extend_schema(
        request=LimitRecalculationSerializer,
        responses={201: LimitSegmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[LimitSegmentPermissions])
    def limits(self, request: Request, code: str) -> Response:
        """Restart the control limits at a period, after a change of the process."""
        indicator = self.get_object()
        serializer = LimitRecalculationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = services.limits_recalculate(
            indicator=indicator, user=acting_user(request), **serializer.validated_data
        )
        return Response(LimitSegmentSerializer(segment).data, status=status.HTTP_201_CREATED)
