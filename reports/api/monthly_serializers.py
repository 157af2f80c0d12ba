"""Serializers of the monthly reports API: a report as clients read it, its management review,
and the bodies of the writes."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validation import LONG_TEXT, validate_date_in_range
from improvement.models import PDCACycle

from ..models import ManagementReview, MonthlyReport, ReviewAction, ReviewDecision
from ..monthly.months import ReportMonth

User = get_user_model()


class ReviewSummarySerializer(serializers.ModelSerializer[ManagementReview]):
    """Where the report's management review stands."""

    class Meta:
        model = ManagementReview
        fields = ["held_on", "status", "signed_off_by", "signed_off_at"]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    """Something that went wrong while the report was generated (a chart shown as its table)."""

    what = serializers.CharField(help_text="The part of the report concerned.")
    error = serializers.CharField()
    at = serializers.CharField(required=False, help_text="When (ISO 8601), if recorded.")


class MonthlyReportSerializer(serializers.ModelSerializer[MonthlyReport]):
    """A month's loyalty-health report: its state, summary, documents and review."""

    month = serializers.CharField(source="slug", read_only=True, help_text="YYYY-MM.")
    pdf_size = serializers.IntegerField(
        source="pdf_bytes", read_only=True, help_text="Bytes; 0 before it is generated."
    )
    problems = ProblemSerializer(many=True, read_only=True)
    summary = serializers.SerializerMethodField(
        help_text="The summary's sentences, as the report states them."
    )
    url = serializers.SerializerMethodField(help_text="The report's page.")
    document_url = serializers.SerializerMethodField(help_text="The HTML document.")
    pdf_url = serializers.SerializerMethodField(help_text="The PDF.")
    review = ReviewSummarySerializer(
        read_only=True, allow_null=True, help_text="Null until a review is recorded."
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "month",
            "label",
            "status",
            "generated_at",
            "published_at",
            "render_seconds",
            "pdf_size",
            "problems",
            "summary",
            "url",
            "document_url",
            "pdf_url",
            "review",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_summary(self, report: MonthlyReport) -> list[str]:
        """Return the summary's lines (read by the queryset, without the whole content)."""
        return list(getattr(report, "summary_lines", None) or [])

    def get_url(self, report: MonthlyReport) -> str:
        return reverse("reports:monthly-detail", args=[report.slug])

    def get_document_url(self, report: MonthlyReport) -> str:
        return reverse("reports:monthly-document", args=[report.slug])

    def get_pdf_url(self, report: MonthlyReport) -> str:
        return reverse("reports:monthly-pdf", args=[report.slug])


class MonthRequestSerializer(serializers.Serializer):
    """The ended month whose report is asked for."""

    month = serializers.RegexField(
        r"^[0-9]{4}-(0[1-9]|1[0-2])$", max_length=7, help_text="YYYY-MM, a month that has ended."
    )

    def validate_month(self, text: str) -> ReportMonth:
        try:
            return ReportMonth.parse(text)
        except ValueError:
            raise serializers.ValidationError("Name a month as YYYY-MM, e.g. 2026-11.") from None


class ReviewCycleSerializer(serializers.ModelSerializer[PDCACycle]):
    """The PDCA cycle an action started."""

    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="The cycle's page."
    )

    class Meta:
        model = PDCACycle
        fields = ["id", "reference", "url"]
        read_only_fields = fields


class ReviewDecisionSerializer(serializers.ModelSerializer[ReviewDecision]):
    """A decision of the review."""

    class Meta:
        model = ReviewDecision
        fields = ["id", "text"]
        read_only_fields = ["id"]


class ReviewActionSerializer(serializers.ModelSerializer[ReviewAction]):
    """An action of the review: what, its owner, by when, the decision it serves, its cycle."""

    owner_username = serializers.CharField(source="owner.username", read_only=True)
    cycle = ReviewCycleSerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(
        choices=ReviewAction.State.choices,
        read_only=True,
        help_text="Done, in a PDCA cycle, overdue or open, as of today.",
    )

    class Meta:
        model = ReviewAction
        fields = [
            "id",
            "title",
            "owner",
            "owner_username",
            "due_on",
            "decision",
            "cycle",
            "state",
            "done_on",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer[ManagementReview]):
    """The management review held on a report (ISO 9001 §9.3): who, when, decisions, actions."""

    decisions = ReviewDecisionSerializer(many=True, read_only=True)
    actions = ReviewActionSerializer(many=True, read_only=True)

    class Meta:
        model = ManagementReview
        fields = [
            "held_on",
            "attendees",
            "guests",
            "minutes",
            "status",
            "signed_off_by",
            "signed_off_at",
            "decisions",
            "actions",
        ]
        read_only_fields = fields


class ReviewRecordSerializer(serializers.Serializer):
    """Who met when to review the report, and the minutes (the whole record, replaced)."""

    held_on = serializers.DateField(validators=[validate_date_in_range])
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, help_text="The ids of the staff who attended."
    )
    guests = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Others present."
    )
    minutes = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default=""
    )


class DecisionBodySerializer(serializers.Serializer):
    """A decision to record."""

    text = serializers.CharField(max_length=1000)


class ActionBodySerializer(serializers.Serializer):
    """An action to record: what, who owns it, by when, and the decision it serves."""

    title = serializers.CharField(max_length=150)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField(validators=[validate_date_in_range])
    decision = serializers.PrimaryKeyRelatedField(
        queryset=ReviewDecision.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="A decision of this review.",
    )


class ActionDoneSerializer(serializers.Serializer):
    """When the action was done (today when left out)."""

    done_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date_in_range]
    )
