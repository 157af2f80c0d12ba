"""The executive monthly loyalty-health report and the management review held on it.

A MonthlyReport is the pack of one ended month (ISO 9001 §9.3.2's inputs): its content is
composed once from the data and frozen as JSON, then rendered to an HTML document and a PDF that
are stored beside it, so that re-rendering gives the same document whatever changes later. The
ManagementReview records what top management made of it (§9.3.3's outputs): attendees,
decisions and actions, signed off and then read-only; each action may start a PDCA cycle, and the
next month's report opens with what became of them.
"""

from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_date_in_range
from improvement.models import PDCACycle


class MonthlyReport(models.Model):
    """The loyalty-health report of one ended month: frozen inputs, HTML and PDF."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        GENERATING = "generating", _("Generating")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # What the report says, composed once from the data (reports.monthly.compose) and never
    # recomputed: re-rendering reads only this.
    content = models.JSONField(_("content"), default=dict, encoder=DjangoJSONEncoder, blank=True)
    html = models.TextField(_("HTML document"), blank=True)
    # The body of the document (its sections), as the report page shows it inside the site.
    body_html = models.TextField(_("HTML body"), blank=True)
    # Stored in the database beside the row (a few hundred kB a month): backed up, restored
    # and deleted with it, and readable by every web process without a shared volume.
    pdf = models.BinaryField(_("PDF"), blank=True, editable=False)
    # What went wrong while rendering (a chart replaced by its table) or generating: each item
    # {"at", "what", "error"}; shown on the report page and in its document.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    # The moment a worker took the generation (a claim older than REPORT_CLAIM_MINUTES is
    # taken over: the worker died).
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True, editable=False)
    render_seconds = models.FloatField(_("seconds to render"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        permissions = [("generate_monthlyreport", "Can generate a month's report")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("reports:monthly-detail", args=[self.slug])

    @property
    def label(self) -> str:
        """Return the month in words, e.g. "November 2026"."""
        return self.month.strftime("%B %Y")

    @property
    def slug(self) -> str:
        """Return the month as its URLs name it, e.g. "2026-11"."""
        return self.month.strftime("%Y-%m")

    @property
    def pdf_size(self) -> int:
        """Return the PDF's size in bytes (0 before it is rendered)."""
        return len(self.pdf or b"")


class ReportSubscription(models.Model):
    """A user who receives each published report by e-mail (executives always do)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="report_subscription",
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class ReportDelivery(models.Model):
    """One e-mail of one report to one recipient: sent at most once, its failures kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="report_deliveries",
    )
    email = models.EmailField(_("address"))
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["recipient__last_name", "recipient__username"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            # One e-mail per report and recipient, however often publishing runs.
            models.UniqueConstraint(
                fields=["report", "recipient"], name="report_delivery_once_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.email}"


class ManagementReview(ConstraintErrorsOnFields, models.Model):
    """The management review (ISO 9001 §9.3) held on a month's report."""

    CONSTRAINT_FIELDS = {"management_review_signed_off_complete": "status"}

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED_OFF = "signed_off", _("Signed off")

    report = models.OneToOneField(
        MonthlyReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    held_on = models.DateField(_("held on"), validators=[validate_date_in_range])
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        related_name="management_reviews",
        blank=True,
    )
    guests = models.CharField(
        _("other attendees"),
        max_length=300,
        blank=True,
        help_text=_("People without an account here, e.g. an external auditor."),
    )
    minutes = BoundedTextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(bases=[VersionAddress], m2m_fields=[attendees])

    class Meta:
        ordering = ["-report__month"]
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="management_review_signed_off_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Management review of %(month)s") % {"month": self.report.label}

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url() + "#review"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class ReviewDecision(models.Model):
    """A decision recorded in a management review (improvement, change, resources)."""

    review = models.ForeignKey(
        ManagementReview,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    text = BoundedTextField(_("decision"), max_length=1000)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")

    def __str__(self) -> str:
        return self.text[:80]


class ReviewAction(models.Model):
    """An action a management review assigned: an owner, a due date, perhaps a PDCA cycle."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        OVERDUE = "overdue", _("Overdue")
        IN_CYCLE = "in_cycle", _("In a PDCA cycle")
        DONE = "done", _("Done")

    review = models.ForeignKey(
        ManagementReview,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    decision = models.ForeignKey(
        ReviewDecision,
        verbose_name=_("carries out"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField(_("action"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="review_actions",
    )
    due_on = models.DateField(_("due"), validators=[validate_date_in_range])
    # The PDCA cycle the action started (origin "management review"), if any.
    cycle = models.OneToOneField(
        PDCACycle,
        verbose_name=_("PDCA cycle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_action",
    )
    done_on = models.DateField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("review action")
        verbose_name_plural = _("review actions")

    def __str__(self) -> str:
        return self.title

    def state(self, today: date | None = None) -> "ReviewAction.State":
        """Return where the action stands: done, in a cycle, overdue or open."""
        today = today or timezone.localdate()
        if self.done_on is not None or (
            self.cycle is not None and self.cycle.phase == PDCACycle.Phase.CLOSED
        ):
            return self.State.DONE
        if self.cycle is not None:
            return self.State.IN_CYCLE
        if self.due_on < today:
            return self.State.OVERDUE
        return self.State.OPEN
