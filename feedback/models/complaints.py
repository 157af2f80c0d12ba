"""Complaints (ISO 10002), their timeline, and the SLA policy per severity."""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.changes import Source as ChangeSource
from core.changes import TracksChanges
from core.models import VersionAddress
from core.validation import BoundedTextField, ConstraintErrorsOnFields, validate_record_date
from journeys.models import Journey, Touchpoint
from stakeholders.models import Customer, Department, Partner

# A clock is "at risk" once less than this share of its window is left.
AT_RISK_SHARE = 0.25
# The statuses whose resolution clock runs (the complaint is acknowledged, not yet answered).
RUNNING_RESOLUTION = ("acknowledged", "investigating")


def running_clock(acknowledge: str, resolve: str) -> Case:
    """Return one of the running SLA clock's moments: the acknowledgement's (`acknowledge`, a
    field) while the complaint is received, the resolution's (`resolve`) while that clock runs,
    none once it is answered."""
    return Case(
        When(status="received", then=F(acknowledge)),
        When(status__in=RUNNING_RESOLUTION, then=F(resolve)),
        default=None,
        output_field=models.DateTimeField(),
    )


class Severity(models.IntegerChoices):
    """How badly the customer was let down; the number orders them (empowerment is "up to")."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class SeverityPolicy(models.Model):
    """The SLA targets for one severity and whether frontline staff may resolve it themselves."""

    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, unique=True
    )
    acknowledge_within_hours = models.PositiveSmallIntegerField(
        _("acknowledge within (hours)"),
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("Elapsed hours from receipt, day or night."),
    )
    resolve_within_days = models.PositiveSmallIntegerField(
        _("resolve within (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days from receipt; due at the same local time of day."),
    )
    working_days_only = models.BooleanField(
        _("count working days only"),
        default=True,
        help_text=_("Skip Saturdays and Sundays when counting resolution days."),
    )
    frontline_may_resolve = models.BooleanField(
        _("frontline staff may resolve"),
        default=False,
        help_text=_("Staff who logged or were assigned a complaint may respond and close it."),
    )
    history = HistoricalRecords(bases=[VersionAddress])

    class Meta:
        ordering = ["severity"]
        verbose_name = _("severity policy")
        verbose_name_plural = _("severity policies")

    def __str__(self) -> str:
        return str(self.get_severity_display())


class Complaint(ConstraintErrorsOnFields, TracksChanges, models.Model):
    """A customer's expression of dissatisfaction, handled through the ISO 10002 life cycle."""

    CHANGE_SOURCE = ChangeSource.COMPLAINT
    CHANGE_DATE_FIELDS = ("received_at",)

    CONSTRAINT_FIELDS = {
        "complaint_satisfaction_1_to_5": "customer_satisfaction",
        "complaint_at_most_one_owner": "touchpoint",
        "complaint_unique_external_id": "external_id",
    }

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigating")
        RESPONDED = "responded", _("Responded")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat")
        WEB_FORM = "web_form", _("Web form")
        SOCIAL = "social", _("Social media")
        LETTER = "letter", _("Letter")

    class RootCause(models.TextChoices):
        """The fishbone (Ishikawa) "6M" categories."""

        METHOD = "method", _("Method")
        MACHINE = "machine", _("Machine / technology")
        PEOPLE = "people", _("People")
        MATERIAL = "material", _("Material / supplier")
        MEASUREMENT = "measurement", _("Measurement")
        ENVIRONMENT = "environment", _("Environment / policy")

    class Source(models.TextChoices):
        STAFF = "staff", _("Logged by staff")
        API = "api", _("Integration (API)")
        IMPORT = "import", _("Import")

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.RESPONDED,
    )

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    description = BoundedTextField(_("what happened"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # The owner at the time of logging: a later change of owner does not rewrite the record.
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("attributed to department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    owner_partner = models.ForeignKey(
        Partner,
        verbose_name=_("attributed to partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    remedy_requested = BoundedTextField(_("remedy the customer asks for"), blank=True)
    customer_reference = models.CharField(_("customer reference"), max_length=80, blank=True)
    # Kept on this complaint only (not on the customer), to write to the customer about it;
    # deleting the complaint erases it with its messages.
    contact_email = models.EmailField(
        _("customer's e-mail"),
        blank=True,
        help_text=_("Optional: to acknowledge and answer the customer by e-mail from here."),
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The id in the system it came from (helpdesk, CRM); unique when given."),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="logged_complaints",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received"), default=timezone.now, validators=[validate_record_date]
    )
    acknowledge_due_at = models.DateTimeField(_("acknowledgement due"))
    resolve_due_at = models.DateTimeField(_("resolution due"))
    # When each clock turns "at risk" (AT_RISK_SHARE of its window left), kept so that the queue
    # can filter and sort by risk in SQL on every database.
    acknowledge_at_risk_from = models.DateTimeField(_("acknowledgement at risk from"))
    resolve_at_risk_from = models.DateTimeField(_("resolution at risk from"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # SLA compliance is kept per complaint when each clock stops, for the metrics.
    acknowledged_within_sla = models.BooleanField(
        _("acknowledged within SLA"), null=True, blank=True
    )
    resolved_within_sla = models.BooleanField(_("resolved within SLA"), null=True, blank=True)
    resolved_at_first_contact = models.BooleanField(_("resolved at first contact"), default=False)
    root_cause_category = models.CharField(
        _("root cause category"), max_length=15, choices=RootCause.choices, blank=True
    )
    root_cause = BoundedTextField(_("root cause"), blank=True)
    decision = BoundedTextField(_("decision communicated to the customer"), blank=True)
    customer_accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    customer_satisfaction = models.PositiveSmallIntegerField(
        _("customer satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The customer's e-mail stays out of the history, which readers of the record (executives
    # among them) may open: it is personal data kept only to write to the customer.
    history = HistoricalRecords(bases=[VersionAddress], excluded_fields=["contact_email"])

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("view_all_complaints", _("Can see every complaint, not only own ones")),
            ("manage_complaints", _("Can triage, assign and handle any complaint")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer_satisfaction__isnull=True)
                | Q(customer_satisfaction__gte=1, customer_satisfaction__lte=5),
                name="complaint_satisfaction_1_to_5",
                violation_error_message=_("Satisfaction is a score from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(owner_department__isnull=True) | Q(owner_partner__isnull=True),
                name="complaint_at_most_one_owner",
                violation_error_message=_(
                    "A complaint is attributed to one department or one partner, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_due_at__gte=F("received_at"))
                & Q(resolve_due_at__gte=F("received_at")),
                name="complaint_due_after_received",
                violation_error_message=_("Due times come after the complaint was received."),
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="complaint_unique_external_id",
                violation_error_message=_("A complaint with this external id already exists."),
            ),
        ]
        indexes = [
            # The queue sorts open complaints by their next due time and filters by status.
            models.Index(fields=["status", "resolve_due_at"], name="complaint_status_due"),
            # Metrics aggregate complaints per touchpoint / owner and period.
            models.Index(fields=["touchpoint", "received_at"], name="complaint_touchpoint_time"),
            models.Index(fields=["owner_partner", "received_at"], name="complaint_partner_time"),
            models.Index(
                fields=["owner_department", "received_at"], name="complaint_department_time"
            ),
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(fields=["journey", "received_at"], name="complaint_journey_time"),
            # The queue's order (soonest due first, then the newest): its first page is read
            # from this index instead of sorting every complaint. Ascending puts nulls last on
            # PostgreSQL, as the queue does (SQLite refuses NULLS LAST in an index).
            models.Index(
                running_clock("acknowledge_due_at", "resolve_due_at"),
                F("received_at").desc(),
                F("id").desc(),
                name="complaint_queue_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("feedback:complaint-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Return whether the complaint still awaits an outcome."""
        return self.status != self.Status.CLOSED

    @property
    def owner(self) -> Department | Partner | None:
        """Return the department or partner the complaint is attributed to."""
        return self.owner_department or self.owner_partner

    def running_clock(self) -> tuple[datetime, datetime] | None:
        """Return (at risk from, due) of the SLA clock now running, or None once responded."""
        if self.status == self.Status.RECEIVED:
            return self.acknowledge_at_risk_from, self.acknowledge_due_at
        if self.status in (self.Status.ACKNOWLEDGED, self.Status.INVESTIGATING):
            return self.resolve_at_risk_from, self.resolve_due_at
        return None

    @property
    def next_due_at(self) -> datetime | None:
        """Return when the running SLA clock runs out (None once responded)."""
        clock = self.running_clock()
        return clock[1] if clock else None

    def sla_state(self, now: datetime | None = None) -> str:
        """Return "overdue", "at_risk", "on_track" or "" (no clock running)."""
        clock = self.running_clock()
        if clock is None:
            return ""
        at_risk_from, due = clock
        now = now or timezone.now()
        if now > due:
            return "overdue"
        if now >= at_risk_from:
            return "at_risk"
        return "on_track"


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline: a transition, an assignment or a comment."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("Logged")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigation started")
        ROOT_CAUSE = "root_cause", _("Root cause set")
        RESPONDED = "responded", _("Responded to the customer")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        COMMENT = "comment", _("Comment")
        IMPROVEMENT = "improvement", _("Improvement made")
        PARTNER_NOTE = "partner_note", _("Corrective-action note")
        MESSAGE_SENT = "message_sent", _("E-mailed the customer")
        REPLY_RECEIVED = "reply_received", _("Customer replied")
        SATISFACTION = "satisfaction", _("Customer rated the handling")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(
        _("from status"), max_length=15, choices=Complaint.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=15, choices=Complaint.Status.choices, blank=True
    )
    text = BoundedTextField(_("text"), blank=True)
    # The partner whose contact wrote a corrective-action note: kept on the note itself, so that
    # the note stays the partner's when the contact's account is revoked or the complaint is
    # attributed elsewhere. Protected: a partner with notes on record is ended, not deleted.
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_notes",
    )

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="partner_note", partner__isnull=False)
                | (~Q(kind="partner_note") & Q(partner__isnull=True)),
                name="complaint_event_partner_only_on_notes",
                violation_error_message=_(
                    "A corrective-action note names its partner; no other entry does."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["complaint", "at"], name="complaint_event_timeline"),
            # The scorecard's and the portal's latest notes of one partner.
            models.Index(fields=["partner", "at"], name="complaint_event_partner_notes"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"
