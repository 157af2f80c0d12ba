"""The notification centre's rows and the chat channels notifications can also go to.

A notification is one message to one person (an alert, an assignment, a reminder...), written by
the one notification service (core.notifications) in the transaction of the change it tells of;
the bell counts the unread ones and the e-mail carries the same title, text and link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person, shown in their notification centre (and e-mailed on demand)."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        DIGEST = "digest", _("Alert digest")
        ASSIGNMENT = "assignment", _("Assignment")
        ESCALATION = "escalation", _("Escalation")
        REMINDER = "reminder", _("Reminder")
        REPORT = "report", _("Report published")
        RECOGNITION = "recognition", _("Recognition")
        OUTCOME = "outcome", _("Outcome")
        OTHER = "other", _("Other")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)  # a path on this site
    # Idempotence: the same key for the same person is one notification (a task run twice).
    key = models.CharField(_("key"), max_length=200, blank=True)
    email = models.BooleanField(_("e-mailed"), default=False)  # whether it is also e-mailed
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)  # core.mail.send_once

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], name="notification_unread", condition=Q(read_at=None)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once", condition=~Q(key="")
            )
        ]

    def __str__(self) -> str:
        return self.title


class ChatChannel(models.Model):
    """A Slack or Microsoft Teams channel reached by an incoming webhook URL."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack (incoming webhook)")
        TEAMS = "teams", _("Microsoft Teams (Workflows webhook)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    url = models.URLField(_("webhook URL"), max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")

    def __str__(self) -> str:
        return self.name
