"""Drivers API: which leading indicators move which lagging ones, and how strongly, by lag."""

from typing import Any

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.serializers import BaseSerializer

from .. import services
from ..models import Driver, Indicator


class DriverLagSerializer(serializers.Serializer):
    """The correlation of the two series with the leading one shifted by `lag` periods."""

    lag = serializers.IntegerField()
    r = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(help_text="Periods both series have after the shift.")


class DriverSerializer(serializers.ModelSerializer[Driver]):
    """A leading → lagging pair with its lagged correlations (filled in by the recompute)."""

    leading = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        help_text="The leading indicator's code.",
    )
    lagging = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        help_text="The lagging indicator's code.",
    )
    lags = DriverLagSerializer(many=True, read_only=True)

    class Meta:
        model = Driver
        fields = [
            "id",
            "leading",
            "lagging",
            "declared",
            "lags",
            "best_lag",
            "best_r",
            "best_p_value",
            "best_n",
            "computed_at",
        ]
        read_only_fields = [
            "declared",
            "best_lag",
            "best_r",
            "best_p_value",
            "best_n",
            "computed_at",
        ]
        # Declaring a pair twice is allowed: the service returns the one stored.
        validators: list[Any] = []


class DriverFilter(filters.FilterSet):
    """Filter drivers by the lagging or the leading indicator's code."""

    lagging = filters.CharFilter(field_name="lagging__code", label="lagging indicator code")
    leading = filters.CharFilter(field_name="leading__code", label="leading indicator code")

    class Meta:
        model = Driver
        fields = ["lagging", "leading", "declared"]


class DriverViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Driver],
):
    """Drivers: declared by people or found along journeys, correlated by the recompute."""

    queryset = Driver.objects.select_related("leading", "lagging")
    serializer_class = DriverSerializer
    filterset_class = DriverFilter

    def perform_create(self, serializer: BaseSerializer[Driver]) -> None:
        serializer.instance = services.driver_declare(**serializer.validated_data)
