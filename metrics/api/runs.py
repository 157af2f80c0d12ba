"""Recompute runs API: what each pass of the recompute did and how it ended (read-only)."""

from rest_framework import serializers, viewsets

from .. import selectors
from ..models import Indicator, RecomputeRun


class RecomputeRunSerializer(serializers.ModelSerializer[RecomputeRun]):
    """A recompute run as its start answers it: its state and what it has done so far.

    An interrupted run (its worker stopped) says in `error` when and with what left, and names
    in `resumed_by` the run that took its remaining work over.
    """

    error = serializers.CharField(
        read_only=True,
        help_text="What went wrong: an indicator's error, or what stopped an interrupted run.",
    )
    heartbeat_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The last sign of life of the run's worker; a running run silent for a few "
        "minutes is taken over.",
    )
    resumes: serializers.PrimaryKeyRelatedField[RecomputeRun] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The interrupted run whose remaining work this run took over, if any.",
    )
    resumed_by: serializers.PrimaryKeyRelatedField[RecomputeRun] = (
        serializers.PrimaryKeyRelatedField(
            read_only=True,
            allow_null=True,
            help_text="For an interrupted run: the run that took its remaining work over.",
        )
    )

    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "status",
            "cells",
            "rows_scanned",
            "started_at",
            "finished_at",
            "error",
            "heartbeat_at",
            "attempt",
            "resumes",
            "resumed_by",
        ]
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
