"""Admin registrations of the improvement app.

Cycles move through their phases on their pages (core.admin explains the rule): the admin shows
them, and an administrator's delete goes through the service, which removes the cycle's chart
annotations with it.
"""

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, RecordOnly
from core.roles import acting_user

from .models import CycleAction, PDCACycle, ReminderDigest, Suggestion
from .services import cycles


class CycleActionInline(admin.TabularInline):
    model = CycleAction
    extra = 0
    can_delete = False
    fields = ("title", "owner", "due_on", "done_on", "deferred_reason", "containment")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PDCACycle)
class PDCACycleAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    """PDCA cycles are planned, moved and decided on their pages and through the API."""

    list_display = ["reference", "title", "phase", "type", "origin", "owner", "verdict", "outcome"]
    list_filter = ["phase", "type", "origin", "verdict", "outcome"]
    search_fields = ["reference", "title", "problem_statement"]
    raw_id_fields = ["owner", "target_indicator", "parent", "touchpoint", "journey", "partner"]
    inlines = [CycleActionInline]
    added_on = _("Cycles are started on the Improvement board, from an idea or a suggestion.")

    def delete_model(self, request: HttpRequest, obj: PDCACycle) -> None:
        cycles.cycle_delete(cycle=obj, by=acting_user(request))

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PDCACycle]) -> None:
        for cycle in queryset:
            cycles.cycle_delete(cycle=cycle, by=acting_user(request))


@admin.register(Suggestion)
class SuggestionAdmin(RecordOnly):
    list_display = ["title", "kind", "status", "created_at", "cycle"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "evidence_key"]
    added_on = _("Suggestions are found in the data each morning and decided on their page.")


@admin.register(ReminderDigest)
class ReminderDigestAdmin(RecordOnly):
    list_display = ["recipient", "day", "sent_at"]
    added_on = _("The daily reminder round writes one digest per person and day.")


@admin.register(CycleAction)
class CycleActionAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    """A cycle's actions are planned and ticked off on the cycle's page and in My actions."""

    list_display = ["title", "cycle", "owner", "due_on", "done_on", "containment"]
    list_filter = ["containment"]
    search_fields = ["title", "cycle__reference"]
    raw_id_fields = ["cycle", "owner"]
    added_on = _("Actions are planned on their cycle's page and ticked off by their owners.")
