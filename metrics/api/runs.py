"""Recompute runs API: what each pass of the recompute did and how it ended (read-only)."""

from rest_framework import serializers, viewsets

from .. import selectors
from ..models import Indicator, RecomputeRun


class RecomputeRunSerializer(serializers.ModelSerializer[RecomputeRun]):
    """A recompute run as its start answers it: its state and what it has done so far."""

    class Meta:
        model = RecomputeRun
        fields = ["id", "status", "cells", "rows_scanned", "started_at", "finished_at", "error"]
        read_only_fields = fields


class RecomputeRunDetailSerializer(RecomputeRunSerializer):
    """A recompute run with what triggered it, for whom and over which indicators."""

    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The only indicator recomputed; null when the run covered them all.",
    )

    class Meta(RecomputeRunSerializer.Meta):
        fields = [
            *RecomputeRunSerializer.Meta.fields,
            "mode",
            "trigger",
            "indicator",
            "requested_by",
            "indicators",
            "changes_claimed",
        ]
        read_only_fields = fields


class RecomputeRunViewSet(viewsets.ReadOnlyModelViewSet[RecomputeRun]):
    """Recompute runs, newest first: the nightly schedule's, the buttons' and the API's."""

    queryset = selectors.runs_recent()
    serializer_class = RecomputeRunDetailSerializer
    filterset_fields = ["status", "trigger"]
