"""Admin registrations of the journeys app."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, WrittenByServices

from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Journey)
class JourneyAdmin(ControlledAdmin, SimpleHistoryAdmin):
    list_display = ["name", "segment", "owner", "status"]
    list_filter = ["status", "segment"]
    search_fields = ["name"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
    list_display = ["name", "journey", "order"]
    list_filter = ["journey"]
    service_fields = ["journey"]  # a stage stays in its journey (services.stage_update)


@admin.register(Touchpoint)
class TouchpointAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
    list_display = ["name", "stage", "channel", "owner_department", "owner_partner"]
    # A touchpoint moves on the journey map, within its journey, and changes owner there
    # (services.touchpoint_update), which logs the feedback a new owner partner takes along.
    service_fields = ["stage", "owner_department", "owner_partner"]
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
class QualityObjectiveAdmin(ControlledAdmin, SimpleHistoryAdmin):
    list_display = ["statement", "journey", "touchpoint", "target_value", "unit", "due_date"]
    list_select_related = ["journey", "touchpoint"]
