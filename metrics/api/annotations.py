"""Annotations API: dated notes drawn on an indicator's charts."""

from typing import Any

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.serializers import BaseSerializer

from core.roles import acting_user

from .. import services
from ..models import Annotation, Indicator


class AnnotationSerializer(serializers.ModelSerializer[Annotation]):
    """A dated note on an indicator's charts; with a source key, posting again updates it."""

    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), help_text="The indicator's code."
    )

    class Meta:
        model = Annotation
        fields = [
            "id",
            "indicator",
            "kind",
            "starts_on",
            "ends_on",
            "label",
            "link",
            "source_key",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {
            "source_key": {
                "help_text": "The caller's own key for the note: posting it again updates the "
                "note instead of adding one."
            }
        }
        validators: list[Any] = []


class AnnotationFilter(filters.FilterSet):
    """Filter annotations by indicator code and kind."""

    indicator = filters.CharFilter(field_name="indicator__code", label="indicator code")

    class Meta:
        model = Annotation
        fields = ["indicator", "kind"]


class AnnotationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Annotation],
):
    """Annotations of the charts: PDCA phases, recalculated limits, imports and notes."""

    queryset = Annotation.objects.select_related("indicator")
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter

    def perform_create(self, serializer: BaseSerializer[Annotation]) -> None:
        serializer.instance = services.annotation_upsert(
            user=acting_user(self.request), **serializer.validated_data
        )

    def perform_destroy(self, instance: Annotation) -> None:
        services.annotation_delete(annotation=instance)
