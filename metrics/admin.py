"""Admin registrations of the metrics app (definitions edit through the pages and services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alert,
    Annotation,
    Driver,
    Indicator,
    LimitSegment,
    Observation,
    RecomputeRun,
    Snapshot,
)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "stakeholder_group", "computation", "status"]
    list_filter = ["kind", "stakeholder_group", "computation", "status", "grain"]
    search_fields = ["code", "name"]
    raw_id_fields = ["owner"]
    readonly_fields = [
        "status",
        "variation",
        "trend",
        "trend_slope",
        "trend_p_value",
        "latest_period",
        "latest_value",
    ]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "period", "value", "n", "external_id"]
    list_filter = ["indicator"]
    date_hierarchy = "period"


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Snapshots are computed: the admin only shows them."""

    list_display = ["indicator", "period", "value", "n", "center", "ucl", "lcl", "run"]
    list_filter = ["indicator"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "started_at", "finished_at", "status", "mode", "trigger", "cells"]
    list_filter = ["status", "mode", "trigger"]


@admin.register(LimitSegment)
class LimitSegmentAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "starts_on", "reason", "created_by"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "kind", "starts_on", "ends_on", "label"]
    list_filter = ["kind"]


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["leading", "lagging", "declared", "best_lag", "best_r", "best_p_value"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["indicator", "kind", "period", "rule", "recipient", "sent_at"]
    list_filter = ["kind"]
