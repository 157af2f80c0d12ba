"""Suggested cycles (CAPA) found in the data, and the reminder digests sent each day."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validation import BoundedTextField, ConstraintErrorsOnFields
from feedback.models import Audit, Complaint
from journeys.models import Touchpoint
from metrics.models import Indicator
from stakeholders.models import Partner

from .cycles import PDCACycle


class Suggestion(ConstraintErrorsOnFields, models.Model):
    """A cycle the system proposes from its evidence; a quality manager accepts or dismisses it."""

    CONSTRAINT_FIELDS = {"suggestion_dismiss_has_reason": "dismiss_reason"}

    class Kind(models.TextChoices):
        COMPLAINT_CLUSTER = "complaints", _("Complaint cluster")
        SIGNAL = "signal", _("Deteriorating special cause")
        MYSTERY_SHOP = "mystery_shop", _("Mystery-shop score below threshold")
        PARTNER = "partner", _("Partner scorecard poor")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Names the evidence ("complaints:tp12:people:2026-03-04", "signal:7:2026-05-01:WE1"): the
    # same evidence never makes a second suggestion.
    evidence_key = models.CharField(_("evidence"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = BoundedTextField(_("evidence in words"))
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    root_cause_category = models.CharField(
        _("root cause category"), max_length=15, choices=Complaint.RootCause.choices, blank=True
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    period = models.DateField(_("period"), null=True, blank=True)
    audit = models.ForeignKey(
        Audit,
        verbose_name=_("mystery-shop audit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), blank=True, related_name="suggestions"
    )
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    dismiss_reason = BoundedTextField(_("dismissed because"), blank=True)
    cycle = models.OneToOneField(
        PDCACycle,
        verbose_name=_("cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestion",
    )
    created_at = models.DateTimeField(_("suggested"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggested cycle")
        verbose_name_plural = _("suggested cycles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="suggestion_dismiss_has_reason",
                violation_error_message=_("Say why the suggestion is dismissed."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderDigest(models.Model):
    """The one reminder e-mail a person gets on a day: claiming the row sends it once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    items = models.JSONField(_("items"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "recipient"]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        constraints = [
            # Never two digests for the same person on the same day.
            models.UniqueConstraint(fields=["recipient", "day"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"
