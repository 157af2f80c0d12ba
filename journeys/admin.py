"""Admin registrations of the journeys app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import WrittenByServices

from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Journey)
class JourneyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "segment", "owner", "status"]
    list_filter = ["status", "segment"]
    search_fields = ["name"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(WrittenByServices):
    list_display = ["name", "journey", "order"]
    list_filter = ["journey"]
    service_fields = ["journey"]  # a stage stays in its journey (services.stage_update)


@admin.register(Touchpoint)
class TouchpointAdmin(WrittenByServices, SimpleHistoryAdmin):
    list_display = ["name", "stage", "channel", "owner_department", "owner_partner"]
    # A touchpoint moves on the journey map, within its journey (services.touchpoint_update).
    service_fields = ["stage"]
    list_filter = ["stage__journey", "channel"]
    list_select_related = ["stage__journey", "owner_department", "owner_partner"]
    search_fields = ["name"]


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = ["from_touchpoint", "to_touchpoint", "description"]
    list_select_related = ["from_touchpoint", "to_touchpoint"]


@admin.register(FailurePoint)
class FailurePointAdmin(admin.ModelAdmin):
    list_display = ["description", "touchpoint", "severity", "occurrence", "detection", "rpn"]
    list_select_related = ["touchpoint"]


@admin.register(QualityObjective)
class QualityObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "journey", "touchpoint", "target_value", "unit", "due_date"]
    list_select_related = ["journey", "touchpoint"]
