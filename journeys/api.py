"""REST API of the journeys app: journeys, stages, touchpoints, handoffs, failures, objectives.

Serializers check the shape and types of the input only; every write goes through a service,
whose validation errors the project's exception handler returns as a 400 keyed by field (the
same messages the pages show), and nothing already saved changes when a write is refused.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.serializers import BaseSerializer

from core.roles import acting_user

from . import selectors, services
from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint

# Journeys -------------------------------------------------------------------------------------


class JourneySerializer(serializers.ModelSerializer[Journey]):
    """A journey with the counts the journey list shows."""

    stage_count = serializers.IntegerField(read_only=True)
    touchpoint_count = serializers.IntegerField(read_only=True)
    handoff_count = serializers.IntegerField(read_only=True)
    cross_owner_handoff_count = serializers.IntegerField(read_only=True)
    failure_point_count = serializers.IntegerField(read_only=True)
    highest_rpn = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Journey
        fields = [
            "id",
            "name",
            "segment",
            "owner",
            "value_statement",
            "status",
            "created_at",
            "stage_count",
            "touchpoint_count",
            "handoff_count",
            "cross_owner_handoff_count",
            "failure_point_count",
            "highest_rpn",
        ]
        validators: list[Any] = []


class JourneyFilter(filters.FilterSet):
    """Filter journeys by status, customer segment and owner."""

    class Meta:
        model = Journey
        fields = ["status", "segment", "owner"]


class JourneyViewSet(viewsets.ModelViewSet[Journey]):
    """Journeys customers of a segment take through the organisation."""

    queryset = selectors.journey_list()
    serializer_class = JourneySerializer
    filterset_class = JourneyFilter

    def perform_create(self, serializer: BaseSerializer[Journey]) -> None:
        journey = services.journey_create(**serializer.validated_data)
        # Read it back through the selector so the response carries the counts.
        serializer.instance = self.get_queryset().get(pk=journey.pk)

    def perform_update(self, serializer: BaseSerializer[Journey]) -> None:
        assert serializer.instance is not None  # an update always has its row
        services.journey_update(journey=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Journey) -> None:
        services.journey_delete(journey=instance, by=acting_user(self.request))


# Stages ---------------------------------------------------------------------------------------


class StageSerializer(serializers.ModelSerializer[Stage]):
    """A stage of a journey; without an order it goes to the end."""

    class Meta:
        model = Stage
        fields = ["id", "journey", "name", "order"]
        extra_kwargs = {"order": {"required": False}}
        validators: list[Any] = []


class StageUpdateSerializer(StageSerializer):
    """A stage being renamed or given a free position; it stays in its journey."""

    class Meta(StageSerializer.Meta):
        read_only_fields = ["journey"]


class StageFilter(filters.FilterSet):
    """Filter stages by journey."""

    class Meta:
        model = Stage
        fields = ["journey"]


class StageViewSet(viewsets.ModelViewSet[Stage]):
    """Stages: the ordered steps of a journey."""

    queryset = Stage.objects.all()
    serializer_class = StageSerializer
    filterset_class = StageFilter

    def get_serializer_class(self) -> type[BaseSerializer[Stage]]:
        if self.action in ("update", "partial_update"):
            return StageUpdateSerializer
        return StageSerializer

    def perform_create(self, serializer: BaseSerializer[Stage]) -> None:
        serializer.instance = services.stage_add(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Stage]) -> None:
        assert serializer.instance is not None
        services.stage_update(stage=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Stage) -> None:
        services.stage_delete(stage=instance, by=acting_user(self.request))


# Touchpoints ----------------------------------------------------------------------------------


class TouchpointSerializer(serializers.ModelSerializer[Touchpoint]):
    """A touchpoint owned by exactly one department or one partner."""

    journey = serializers.IntegerField(source="stage.journey_id", read_only=True)
    owner_kind = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "journey",
            "stage",
            "order",
            "name",
            "channel",
            "owner_department",
            "owner_partner",
            "owner_kind",
            "owner_name",
            "service_standard",
            "ctq_requirement",
        ]
        extra_kwargs = {"order": {"required": False}}
        validators: list[Any] = []

    def get_owner_kind(self, touchpoint: Touchpoint) -> str:
        """Return "department" or "partner"."""
        return "department" if touchpoint.owner_department_id else "partner"

    def get_owner_name(self, touchpoint: Touchpoint) -> str:
        """Return the name of the owning department or partner."""
        return str(touchpoint.owner or "")


class TouchpointFilter(filters.FilterSet):
    """Filter touchpoints by journey, stage, owner and channel."""

    journey = filters.ModelChoiceFilter(
        field_name="stage__journey", queryset=Journey.objects.all(), label="journey"
    )

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "owner_department", "owner_partner", "channel"]


class TouchpointViewSet(viewsets.ModelViewSet[Touchpoint]):
    """Touchpoints: the moments customers meet the organisation or its partners."""

    queryset = Touchpoint.objects.select_related("stage", "owner_department", "owner_partner")
    serializer_class = TouchpointSerializer
    filterset_class = TouchpointFilter

    def perform_create(self, serializer: BaseSerializer[Touchpoint]) -> None:
        serializer.instance = services.touchpoint_add(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Touchpoint]) -> None:
        assert serializer.instance is not None
        services.touchpoint_update(touchpoint=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Touchpoint) -> None:
        services.touchpoint_delete(touchpoint=instance, by=acting_user(self.request))


# Handoffs -------------------------------------------------------------------------------------


# A handoff between touchpoints of one owner; every other handoff crosses owners.
class HandoffSerializer(serializers.ModelSerializer[Handoff]):
    """A passing of the customer from one touchpoint to another of the same journey."""

    is_cross_owner = serializers.BooleanField(read_only=True)

    class Meta:
        model = Handoff
        fields = ["id", "from_touchpoint", "to_touchpoint", "description", "is_cross_owner"]
        validators: list[Any] = []


class HandoffFilter(filters.FilterSet):
    """Filter handoffs by journey and by whether they cross owners."""

    journey = filters.ModelChoiceFilter(
        field_name="from_touchpoint__stage__journey",
        queryset=Journey.objects.all(),
        label="journey",
    )
    cross_owner = filters.BooleanFilter(method="filter_cross_owner", label="crosses owners")

    class Meta:
        model = Handoff
        fields = ["journey", "from_touchpoint", "to_touchpoint", "cross_owner"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_cross_owner(
        self, queryset: QuerySet[Handoff], name: str, value: bool | None
    ) -> QuerySet[Handoff]:
        """Keep the handoffs that cross owners (true) or stay with one owner (false)."""
        if value is None:
            return queryset
        return (
            queryset.exclude(selectors.SAME_OWNER)
            if value
            else queryset.filter(selectors.SAME_OWNER)
        )


class HandoffViewSet(viewsets.ModelViewSet[Handoff]):
    """Handoffs between touchpoints; those across owners are where breakdowns happen."""

    queryset = Handoff.objects.select_related("from_touchpoint", "to_touchpoint")
    serializer_class = HandoffSerializer
    filterset_class = HandoffFilter

    def perform_create(self, serializer: BaseSerializer[Handoff]) -> None:
        serializer.instance = services.handoff_add(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Handoff]) -> None:
        assert serializer.instance is not None
        services.handoff_update(handoff=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Handoff) -> None:
        services.handoff_delete(handoff=instance)


# Failure points -------------------------------------------------------------------------------


class FailurePointSerializer(serializers.ModelSerializer[FailurePoint]):
    """A failure mode of a touchpoint with its FMEA ratings and risk priority number."""

    rpn = serializers.IntegerField(read_only=True)

    class Meta:
        model = FailurePoint
        fields = [
            "id",
            "touchpoint",
            "description",
            "severity",
            "occurrence",
            "detection",
            "rpn",
            "variability_source",
        ]
        validators: list[Any] = []


class FailurePointFilter(filters.FilterSet):
    """Filter failure points by journey and touchpoint."""

    journey = filters.ModelChoiceFilter(
        field_name="touchpoint__stage__journey", queryset=Journey.objects.all(), label="journey"
    )

    class Meta:
        model = FailurePoint
        fields = ["journey", "touchpoint"]


class FailurePointViewSet(viewsets.ModelViewSet[FailurePoint]):
    """Failure points: known ways touchpoints fail, highest risk first."""

    queryset = FailurePoint.objects.all()
    serializer_class = FailurePointSerializer
    filterset_class = FailurePointFilter

    def perform_create(self, serializer: BaseSerializer[FailurePoint]) -> None:
        serializer.instance = services.failure_point_add(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[FailurePoint]) -> None:
        assert serializer.instance is not None
        services.failure_point_update(
            failure_point=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: FailurePoint) -> None:
        services.failure_point_delete(failure_point=instance)


# Quality objectives ---------------------------------------------------------------------------


class QualityObjectiveSerializer(serializers.ModelSerializer[QualityObjective]):
    """A measurable, dated target at exactly one journey or one touchpoint."""

    class Meta:
        model = QualityObjective
        fields = [
            "id",
            "journey",
            "touchpoint",
            "statement",
            "customer_requirement",
            "direction",
            "target_value",
            "unit",
            "due_date",
            "owner",
            "is_active",
        ]
        validators: list[Any] = []


class QualityObjectiveFilter(filters.FilterSet):
    """Filter objectives by journey (its own and its touchpoints') and by touchpoint."""

    journey = filters.ModelChoiceFilter(
        queryset=Journey.objects.all(), method="filter_journey", label="journey"
    )

    class Meta:
        model = QualityObjective
        fields = ["journey", "touchpoint"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_journey(
        self, queryset: QuerySet[QualityObjective], name: str, value: Journey | None
    ) -> QuerySet[QualityObjective]:
        """Keep the objectives set at the journey or at one of its touchpoints."""
        if value is None:
            return queryset
        return queryset.filter(Q(journey=value) | Q(touchpoint__stage__journey=value))


class QualityObjectiveViewSet(viewsets.ModelViewSet[QualityObjective]):
    """Quality objectives: what customers require, as measurable, dated targets."""

    queryset = QualityObjective.objects.all()
    serializer_class = QualityObjectiveSerializer
    filterset_class = QualityObjectiveFilter

    def perform_create(self, serializer: BaseSerializer[QualityObjective]) -> None:
        serializer.instance = services.objective_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[QualityObjective]) -> None:
        assert serializer.instance is not None
        services.objective_update(objective=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: QualityObjective) -> None:
        services.objective_delete(objective=instance, by=acting_user(self.request))
