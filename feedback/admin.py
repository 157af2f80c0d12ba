"""Admin registrations of the feedback app.

Complaints, ideas and the rest move through their services (core.admin explains the rule): the
admin shows their life cycles and leaves the steps to each record's page.
"""

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, RecordOnly, WrittenByServices
from core.changes import local_day

from . import selectors, services
from .models import (
    Audit,
    AuditItemScore,
    ChecklistItem,
    ChecklistTemplate,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    EmployeeParticipation,
    IdeaComment,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Insight,
    Recognition,
    ReplyTemplate,
    SeverityPolicy,
    Survey,
    SurveyDay,
    SurveyInvitation,
    SurveyPulse,
    SurveyResponse,
    Theme,
)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent; a service writes them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent


@admin.register(Complaint)
class ComplaintAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    """Complaints are logged and moved through their life cycle by the services only."""

    list_display = ["reference", "status", "severity", "touchpoint", "assignee", "received_at"]
    list_filter = ["status", "severity", "channel", "source"]
    search_fields = ["reference", "description", "customer_reference", "external_id"]
    raw_id_fields = ["customer", "logged_by", "assignee"]
    inlines = [ComplaintEventInline]
    added_on = _(
        "Complaints are logged on the Log a complaint page, by import or through the API; each "
        "step of their life cycle is taken on the complaint's page."
    )


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(RecordOnly):
    list_display = ["complaint", "kind", "actor", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["complaint"]
    added_on = _("The timeline is written by each step taken on the complaint's page.")


@admin.register(ComplaintMessage)
class ComplaintMessageAdmin(RecordOnly):
    list_display = ["complaint", "direction", "subject", "author", "created_at", "sent_at"]
    list_filter = ["direction"]
    raw_id_fields = ["complaint"]
    added_on = _(
        "Messages are written to the customer, and their replies logged, on the complaint's page."
    )


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
    list_display = ["name", "purpose", "is_active", "updated_at"]
    list_filter = ["purpose", "is_active"]
    service_fields = ["name", "purpose", "subject", "body", "is_active", "created_by"]
    added_on = _("Quality managers keep the reply templates on the Reply templates page.")


@admin.register(SeverityPolicy)
class SeverityPolicyAdmin(WrittenByServices, SimpleHistoryAdmin):
    list_display = [
        "severity",
        "acknowledge_within_hours",
        "resolve_within_days",
        "working_days_only",
        "frontline_may_resolve",
    ]
    # The frontline limit covers every severity up to one: it is set on the SLA targets page.
    service_fields = ["severity", "frontline_may_resolve"]
    added_on = _(
        "Every severity has its policy from the start; the frontline limit is set on the SLA "
        "targets page."
    )


@admin.register(ImprovementIdea)
class ImprovementIdeaAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
    list_display = ["reference", "title", "status", "source", "submitted_by", "submitted_at"]
    list_filter = ["status", "source"]
    search_fields = ["reference", "title", "problem", "proposal"]
    service_fields = [
        "source",
        "submitted_by",
        "submitted_at",
        "status",
        "decision_reason",
        "decided_by",
        "decided_at",
        "implemented_at",
    ]
    added_on = _(
        "Ideas are submitted on the Ideas page; quality managers review and decide on each "
        "idea's page."
    )


@admin.register(IdeaVote)
class IdeaVoteAdmin(RecordOnly):
    list_display = ["idea", "voter", "voted_at"]
    added_on = _("Colleagues support ideas on each idea's page.")


@admin.register(IdeaComment)
class IdeaCommentAdmin(RecordOnly):
    list_display = ["idea", "author", "created_at"]
    raw_id_fields = ["idea"]
    added_on = _("Colleagues comment on each idea's page.")


@admin.register(IdeaEvent)
class IdeaEventAdmin(RecordOnly):
    list_display = ["idea", "to_status", "actor", "at"]
    added_on = _("The timeline is written by each decision taken on the idea's page.")


@admin.register(Recognition)
class RecognitionAdmin(WrittenByServices):
    list_display = ["recipient", "given_by", "given_at"]
    raw_id_fields = ["complaint", "idea"]
    service_fields = ["recipient", "given_by", "given_at"]
    added_on = _("Recognition is given on the Recognition page, which e-mails the recipient.")


@admin.register(Survey)
class SurveyAdmin(ControlledAdmin, WrittenByServices, SimpleHistoryAdmin):
    list_display = ["name", "kind", "journey", "touchpoint", "starts_at", "ends_at"]
    list_filter = ["kind"]
    readonly_fields = ["public_token"]
    # The kind sets the scale answers were given on; the scope is checked by the service.
    service_fields = ["kind", "journey", "touchpoint", "created_by"]
    added_on = _("Surveys are defined on the Surveys page; their kind and scope change there.")


@admin.register(SurveyPulse)
class SurveyPulseAdmin(RecordOnly):
    list_display = ["survey", "starts_on", "ends_on", "sent_at", "recipients"]
    added_on = _("Each pulse of a recurring survey is opened and sent by the scheduler.")


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(RecordOnly):
    list_display = ["survey", "customer", "email", "sent_at", "expires_at"]
    raw_id_fields = ["customer", "complaint"]
    added_on = _("Invitations are created on each survey's page, which e-mails the link.")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(RecordOnly):
    list_display = ["survey", "score", "channel", "responded_at"]
    list_filter = ["survey", "channel"]
    raw_id_fields = ["invitation", "customer"]
    added_on = _("Answers come from the survey links, invitations, imports and the API.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SurveyResponse]:
        # The anonymity rule holds here too: employees' eNPS answers are shown only in aggregate.
        return selectors.responses_shown_one_by_one()

    # Deleting answers changes the survey pages' day counts: refreshed in the same transaction.
    def delete_model(self, request: HttpRequest, obj: SurveyResponse) -> None:
        self.delete_queryset(request, SurveyResponse.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SurveyResponse]) -> None:
        cells = {
            (survey_id, local_day(responded_at))
            for survey_id, responded_at in queryset.values_list("survey_id", "responded_at")
        }
        super().delete_queryset(request, queryset)
        services.survey_days_refresh(cells=cells)


@admin.register(SurveyDay)
class SurveyDayAdmin(RecordOnly):
    list_display = ["survey", "day", "department", "answers", "score_total"]
    list_filter = ["survey"]
    added_on = _("Counted from the answers whenever they change, and by the nightly recompute.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SurveyDay]:
        # A pulse's day in one department may hold one employee's answer: eNPS results are
        # shown only on the survey's page, for groups of at least the anonymity threshold.
        return super().get_queryset(request).filter(selectors.shown_one_by_one())


@admin.register(EmployeeParticipation)
class EmployeeParticipationAdmin(RecordOnly):
    list_display = ["survey", "user", "pulse_start"]
    added_on = _("Written when an employee answers an eNPS pulse.")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]


@admin.register(Insight)
class InsightAdmin(RecordOnly):
    list_display = ["source", "text", "occurred_at"]
    list_filter = ["source", "themes"]
    raw_id_fields = ["response", "complaint"]
    added_on = _(
        "Insights come from complaints and survey comments; notes are added and insights tagged "
        "on the Insights page."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Insight]:
        # The insights page's rule holds here too: an employee's eNPS comment is never shown.
        return selectors.insights_visible_to(request.user)


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(WrittenByServices):
    list_display = ["name", "touchpoint", "is_active"]
    inlines = [ChecklistItemInline]
    added_on = _(
        "Checklists and their items are written on the Mystery shopping page (items are fixed "
        "once an audit used them)."
    )


@admin.register(ChecklistItem)
class ChecklistItemAdmin(RecordOnly):
    list_display = ["text", "template", "weight"]
    added_on = _("Items are written with their checklist on the Mystery shopping page.")


@admin.register(Audit)
class AuditAdmin(WrittenByServices):
    list_display = ["template", "touchpoint", "auditor", "visited_on", "score"]
    # The score is the weighted total of the item scores: correcting either redoes it.
    service_fields = ["template", "touchpoint", "auditor", "visited_on", "score"]
    added_on = _("Audits are recorded and corrected on the Mystery shopping page.")


@admin.register(AuditItemScore)
class AuditItemScoreAdmin(RecordOnly):
    list_display = ["audit", "item", "score"]
    added_on = _("Item scores are recorded and corrected with their audit.")
