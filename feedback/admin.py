"""Admin registrations of the feedback app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Audit,
    AuditItemScore,
    ChecklistItem,
    ChecklistTemplate,
    Complaint,
    ComplaintEvent,
    EmployeeParticipation,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Insight,
    Recognition,
    SeverityPolicy,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Theme,
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


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "journey", "touchpoint", "starts_at", "ends_at"]
    list_filter = ["kind"]
    readonly_fields = ["public_token"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ["survey", "customer", "email", "sent_at", "expires_at"]
    raw_id_fields = ["customer", "complaint"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "score", "channel", "responded_at"]
    list_filter = ["survey", "channel"]
    raw_id_fields = ["invitation", "customer"]


@admin.register(EmployeeParticipation)
class EmployeeParticipationAdmin(admin.ModelAdmin):
    list_display = ["survey", "user", "pulse_start"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):
    list_display = ["source", "text", "occurred_at"]
    list_filter = ["source", "themes"]
    raw_id_fields = ["response", "complaint"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "touchpoint", "is_active"]
    inlines = [ChecklistItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "template", "weight"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["template", "touchpoint", "auditor", "visited_on", "score"]


@admin.register(AuditItemScore)
class AuditItemScoreAdmin(admin.ModelAdmin):
    list_display = ["audit", "item", "score"]
