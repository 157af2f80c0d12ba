"""Writing to the complainant: the reply templates quality managers keep, and the messages sent
to and received from the customer about one complaint (ISO 10002: acknowledge, tell the
decision)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionAddress
from core.validation import BoundedTextField

from .complaints import Complaint
from .surveys import new_token


class ReplyTemplate(models.Model):
    """A message to customers kept by quality managers, with placeholders such as {reference}."""

    class Purpose(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        RESPONSE = "response", _("Response (the decision)")
        UPDATE = "update", _("Progress update")

    name = models.CharField(_("name"), max_length=120, unique=True)
    purpose = models.CharField(_("used for"), max_length=15, choices=Purpose.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = BoundedTextField(_("message"))
    is_active = models.BooleanField(
        _("offered to staff"), default=True, help_text=_("Retired templates stay on record.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Each history entry has its own time: the save time is no change of the template.
    history = HistoricalRecords(bases=[VersionAddress], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["purpose", "name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return self.name


class ComplaintMessage(models.Model):
    """One e-mail to the complainant, or one reply of theirs logged back on the complaint."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("To the customer")
        INBOUND = "inbound", _("From the customer")

    class Inbound(models.TextChoices):
        """How a customer's reply reached the complaint."""

        PASTED = "pasted", _("Pasted in by staff")
        MAILBOX = "mailbox", _("Inbound e-mail address")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    inbound_via = models.CharField(
        _("received through"), max_length=10, choices=Inbound.choices, blank=True
    )
    template = models.ForeignKey(
        ReplyTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # The customer's address at the time: to it (outbound) or from it (inbound).
    address = models.EmailField(_("customer's e-mail"))
    subject = models.CharField(_("subject"), max_length=200)
    body = BoundedTextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written or logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Outbound: claimed when the worker hands the e-mail to the mail server (core.mail.send_once).
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The token of the reply-to address (replies+<token>@...) that routes an answer back here.
    reply_token = models.CharField(
        _("reply token"), max_length=40, unique=True, default=new_token, editable=False
    )

    class Meta:
        ordering = ["complaint", "created_at", "id"]
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="outbound", inbound_via="")
                | Q(direction="inbound") & ~Q(inbound_via=""),
                name="complaint_message_inbound_says_how",
                violation_error_message=_("A logged reply says how it was received."),
            )
        ]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaint_message_time")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.direction}: {self.subject}"
