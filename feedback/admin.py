"""Admin registrations of the feedback app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Complaint,
    ComplaintEvent,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Recognition,
    SeverityPolicy,
)


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    readonly_fields = ["kind", "actor", "at", "from_status", "to_status", "text"]
    can_delete = False


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "status", "severity", "touchpoint", "assignee", "received_at"]
    list_filter = ["status", "severity", "channel", "source"]
    search_fields = ["reference", "description", "customer_reference", "external_id"]
    raw_id_fields = ["customer", "logged_by", "assignee"]
    readonly_fields = ["reference"]
    inlines = [ComplaintEventInline]


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(admin.ModelAdmin):
    list_display = ["complaint", "kind", "actor", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["complaint"]


@admin.register(SeverityPolicy)
class SeverityPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "severity",
        "acknowledge_within_hours",
        "resolve_within_days",
        "working_days_only",
        "frontline_may_resolve",
    ]


@admin.register(ImprovementIdea)
class ImprovementIdeaAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "status", "source", "submitted_by", "submitted_at"]
    list_filter = ["status", "source"]
    search_fields = ["reference", "title", "problem", "proposal"]


@admin.register(IdeaVote)
class IdeaVoteAdmin(admin.ModelAdmin):
    list_display = ["idea", "voter", "voted_at"]


@admin.register(IdeaEvent)
class IdeaEventAdmin(admin.ModelAdmin):
    list_display = ["idea", "to_status", "actor", "at"]


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["recipient", "given_by", "given_at"]
    raw_id_fields = ["complaint", "idea"]
