"""Admin registrations of the metrics app (definitions edit through the pages and services).

What feeds the recompute (an indicator's computation, scope, grain, chart and targets) changes
only through `services.indicator_update`, which marks the indicator for a full recompute; the
admin shows it and recomputes the selected indicators through `indicator_bulk_recompute`.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, RecordOnly, WrittenByServices
from core.roles import acting_user

from . import services
from .models import (
    Alert,
    AlertRule,
    AlertSubscription,
    Annotation,
    Driver,
    Indicator,
    LimitSegment,
    Observation,
    RecomputeItem,
    RecomputeRun,
    Snapshot,
)


@admin.register(Indicator)
class IndicatorAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
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
        "created_at",
    ]
    service_fields = [
        "code",
        *services.DEFINITION_FIELDS,
        *services.SERIES_FIELDS,
        "unit",
    ]
    added_on = _(
        "Indicators are defined and their definitions changed on the Indicators page or through "
        "the API."
    )
    actions = ["recompute"]

    @admin.action(description=_("Recompute every period of the selected indicators"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[Indicator]) -> None:
        run = services.indicator_bulk_recompute(indicators=queryset, by=acting_user(request))
        if run.status == RecomputeRun.Status.SKIPPED:
            self.message_user(
                request,
                _("Recompute run %(run)d is running: the next run recomputes them.")
                % {"run": run.pk},
                messages.WARNING,
            )
            return
        count = queryset.filter(is_active=True).count()
        self.message_user(
            request,
            ngettext(
                "Recompute run %(run)d started for %(count)d active indicator.",
                "Recompute run %(run)d started for %(count)d active indicators.",
                count,
            )
            % {"run": run.pk, "count": count},
        )


@admin.register(Observation)
class ObservationAdmin(RecordOnly):
    list_display = ["indicator", "period", "value", "n", "external_id"]
    list_filter = ["indicator"]
    date_hierarchy = "period"
    added_on = _("Observed values are added through the API or by importing a file.")


@admin.register(Snapshot)
class SnapshotAdmin(RecordOnly):
    """Snapshots are computed: the admin only shows them."""

    list_display = ["indicator", "period", "value", "n", "center", "ucl", "lcl", "run"]
    list_filter = ["indicator"]


@admin.register(RecomputeRun)
class RecomputeRunAdmin(RecordOnly):
    list_display = ["pk", "started_at", "finished_at", "status", "mode", "trigger", "cells"]
    list_filter = ["status", "mode", "trigger"]
    added_on = _(
        "Runs start on the Recompute runs page, from an indicator's page, or with the "
        "Indicators admin action."
    )


@admin.register(RecomputeItem)
class RecomputeItemAdmin(RecordOnly):
    """A run's share of work per task: when it finished, and how many times it was started."""

    list_display = ["pk", "run", "kind", "indicator", "attempts", "finished_at"]
    list_filter = ["kind"]
    raw_id_fields = ["run", "indicator"]
    added_on = _("Items are made by the run they belong to, one per task.")


@admin.register(LimitSegment)
class LimitSegmentAdmin(RecordOnly, SimpleHistoryAdmin):
    list_display = ["indicator", "starts_on", "reason", "created_by"]
    added_on = _("Limits are recalculated from a period on each indicator's page.")

    def delete_model(self, request: HttpRequest, obj: LimitSegment) -> None:
        services.limits_remove(segment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LimitSegment]) -> None:
        for segment in queryset:
            services.limits_remove(segment=segment)


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "kind", "starts_on", "ends_on", "label"]
    list_filter = ["kind"]


@admin.register(Driver)
class DriverAdmin(RecordOnly):
    list_display = ["leading", "lagging", "declared", "best_lag", "best_r", "best_p_value"]
    added_on = _("Drivers are declared on the indicators' pages; the recompute correlates them.")


@admin.register(Alert)
class AlertAdmin(RecordOnly):
    list_display = ["indicator", "alert_rule", "kind", "period", "rule", "recipient", "sent_at"]
    list_filter = ["kind"]
    added_on = _("Alerts are raised by the recompute and told to their subscribers once.")


@admin.register(AlertRule)
class AlertRuleAdmin(RecordOnly):
    list_display = ["name", "trigger", "scope", "is_active", "created_by", "created_at"]
    list_filter = ["trigger", "scope", "is_active"]
    added_on = _("Alert rules are defined on the Alert rules page.")


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(RecordOnly):
    list_display = ["rule", "user", "role", "channel", "chat_channel", "frequency"]
    list_filter = ["channel", "frequency"]
    added_on = _("People subscribe on the My alerts page.")
