"""Admin registrations of the reports app.

The scorecards' rules change on their pages, where the weights are checked to add up to 100 and
every month is scored again; the monthly reports are generated and their reviews recorded and
signed off on the report pages (core.admin explains the rule): the admin shows them and their
history. The scores are written by the nightly refresh only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ControlledAdmin, RecordOnly

from .models import (
    ManagementReview,
    MonthlyReport,
    PartnerExpectation,
    PartnerScore,
    ReportDelivery,
    ReportSubscription,
    ReviewAction,
    ReviewDecision,
    ScorecardCriterion,
)


@admin.register(ScorecardCriterion)
class ScorecardCriterionAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["key", "weight", "expectation", "tolerance", "direction", "unit"]
    added_on = _("The six criteria are fixed; their weights are set on the Scorecards page.")


@admin.register(PartnerExpectation)
class PartnerExpectationAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["partner", "criterion", "expectation"]
    list_filter = ["criterion"]
    added_on = _("Expectations are agreed on each partner's scorecard page.")


@admin.register(PartnerScore)
class PartnerScoreAdmin(RecordOnly):
    list_display = ["partner", "period", "score", "standing", "computed_at"]
    list_filter = ["standing", "period"]
    added_on = _("Scores are computed each night from the evidence.")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(RecordOnly):
    list_display = ["month", "status", "generated_at", "published_at", "render_seconds"]
    list_filter = ["status"]
    exclude = ["content", "html", "body_html", "pdf"]
    added_on = _("Reports are generated on the Monthly report page or by the schedule.")


@admin.register(ManagementReview)
class ManagementReviewAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["report", "held_on", "status", "signed_off_by", "signed_off_at"]
    list_filter = ["status"]
    added_on = _("Reviews are recorded and signed off on their report's page.")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["review", "text"]
    added_on = _("Decisions are recorded on their report's page.")


@admin.register(ReviewAction)
class ReviewActionAdmin(ControlledAdmin, RecordOnly, SimpleHistoryAdmin):
    list_display = ["title", "review", "owner", "due_on", "done_on", "cycle"]
    added_on = _("Actions are recorded on their report's page.")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(RecordOnly):
    list_display = ["report", "email", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    added_on = _(
        "Each published report is e-mailed to its recipients; failures are sent again "
        "from the report's page."
    )


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(RecordOnly):
    list_display = ["user", "created_at"]
    added_on = _("People subscribe on the Monthly report page.")
