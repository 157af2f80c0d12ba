"""Recognitions API: kudos for behaviour that improved customer outcomes."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.serializers import BaseSerializer

from core.roles import acting_user

from .. import selectors, services
from ..models import Recognition


class RecognitionSerializer(serializers.ModelSerializer[Recognition]):
    """Kudos to an employee, optionally for a complaint or an idea.

    The complaint and its reference only for those who may read the complaint; for others both
    are null.
    """

    recipient_username = serializers.CharField(source="recipient.username", read_only=True)
    given_by_username = serializers.CharField(
        source="given_by.username", read_only=True, allow_null=True
    )
    complaint_reference = serializers.CharField(
        source="complaint.reference", read_only=True, allow_null=True
    )
    idea_reference = serializers.CharField(source="idea.reference", read_only=True, allow_null=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "recipient",
            "recipient_username",
            "given_by",
            "given_by_username",
            "behaviour",
            "complaint",
            "complaint_reference",
            "idea",
            "idea_reference",
            "given_at",
        ]
        read_only_fields = ["given_by", "given_at"]
        validators: list[Any] = []

    def to_representation(self, instance: Recognition) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Annotated by selectors.recognition_feed for the reader.
        if not getattr(instance, "complaint_visible", False):
            data["complaint"] = data["complaint_reference"] = None
        return data


class RecognitionFilter(filters.FilterSet):
    """Filter recognitions by who received and who gave them."""

    class Meta:
        model = Recognition
        fields = ["recipient", "given_by"]


class RecognitionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Recognition],
):
    """Recognition: kudos for behaviour that improved customer outcomes, newest first."""

    serializer_class = RecognitionSerializer
    filterset_class = RecognitionFilter

    def get_queryset(self) -> QuerySet[Recognition]:
        return selectors.recognition_feed(self.request.user)

    def perform_create(self, serializer: BaseSerializer[Recognition]) -> None:
        recognition = services.recognition_give(
            given_by=acting_user(self.request), **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=recognition.pk)
