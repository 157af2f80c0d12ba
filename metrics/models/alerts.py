"""Alert rules (what raises an alert, on which indicators) and who is told of them, and how."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import ChatChannel
from core.roles import Role
from journeys.models import Journey
from stakeholders.constants import StakeholderGroup

from ..rules import RULE_LABELS
from .indicators import Indicator

ALERT_STATUSES = (
    (Indicator.Status.AMBER.value, Indicator.Status.AMBER.label),
    (Indicator.Status.RED.value, Indicator.Status.RED.label),
)


class AlertRule(models.Model):
    """What raises an alert (a signal, a status, a threshold, a change) and on which indicators."""

    class Trigger(models.TextChoices):
        SIGNAL = "signal", _("Special-cause signal")
        STATUS = "status", _("Status turning amber or red")
        THRESHOLD = "threshold", _("Value crossing a threshold")
        CHANGE = "change", _("Relative change over periods")

    class Direction(models.TextChoices):
        EITHER = "either", _("Either direction")
        UP = "up", _("Upwards (above)")
        DOWN = "down", _("Downwards (below)")

    class Scope(models.TextChoices):
        ALL = "all", _("All indicators")
        INDICATOR = "indicator", _("One indicator")
        GROUP = "group", _("A stakeholder group")
        JOURNEY = "journey", _("A journey")

    name = models.CharField(_("name"), max_length=150)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    signal_rule = models.CharField(
        _("special-cause rule"),
        max_length=10,
        blank=True,
        choices=[(code, f"{code}: {label}") for code, label in RULE_LABELS.items()],
        help_text=_("Empty: any rule of the indicator's rule set."),
    )
    statuses = models.JSONField(
        _("statuses"), default=list, blank=True, help_text=_("Amber, red or both.")
    )
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.EITHER
    )
    change_percent = models.FloatField(
        _("change of at least (%)"), null=True, blank=True, help_text=_("For example 20.")
    )
    change_periods = models.PositiveSmallIntegerField(
        _("over complete periods"), null=True, blank=True
    )
    scope = models.CharField(_("applies to"), max_length=9, choices=Scope.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
    )
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=12, choices=StakeholderGroup.choices, blank=True
    )
    journey = models.ForeignKey(
        Journey,
        verbose_name=_("journey"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_rules",
    )
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

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Require the fields the trigger and the scope need, each error under its field."""
        errors: dict[str, str | Promise] = {}
        if self.trigger == self.Trigger.STATUS:
            allowed = {value for value, _label in ALERT_STATUSES}
            if not self.statuses or not set(self.statuses) <= allowed:
                errors["statuses"] = _("Choose amber, red or both.")
        if self.trigger == self.Trigger.THRESHOLD:
            if self.threshold is None:
                errors["threshold"] = _("Give the value to cross.")
            if self.direction == self.Direction.EITHER:
                errors["direction"] = _("Choose whether the value crosses above or below.")
        if self.trigger == self.Trigger.CHANGE:
            if self.change_percent is None or self.change_percent <= 0:
                errors["change_percent"] = _("Give a change above 0 %.")
            if not self.change_periods:
                errors["change_periods"] = _("Give the number of periods (1 or more).")
        if self.scope == self.Scope.INDICATOR and self.indicator_id is None:
            errors["indicator"] = _("Choose the indicator.")
        if self.scope == self.Scope.GROUP and not self.stakeholder_group:
            errors["stakeholder_group"] = _("Choose the stakeholder group.")
        if self.scope == self.Scope.JOURNEY and self.journey_id is None:
            errors["journey"] = _("Choose the journey.")
        if errors:
            raise ValidationError(errors)

    def trigger_text(self) -> str:
        """Return what raises the rule's alerts, in words."""
        if self.trigger == self.Trigger.SIGNAL:
            if self.signal_rule:
                return _("Special cause: %(rule)s") % {
                    "rule": RULE_LABELS.get(self.signal_rule, self.signal_rule)
                }
            return str(_("Any special-cause signal"))
        if self.trigger == self.Trigger.STATUS:
            colour_words = {"amber": _("amber"), "red": _("red")}
            names = [str(colour_words.get(value, value)) for value in self.statuses]
            colours = str(_(" or ")).join(names)
            return _("Status turning %(colours)s") % {"colours": colours}
        if self.trigger == self.Trigger.THRESHOLD:
            words = _("rises above") if self.direction == self.Direction.UP else _("falls below")
            return _("Value %(words)s %(threshold)s") % {
                "words": words,
                "threshold": f"{self.threshold:g}" if self.threshold is not None else "?",
            }
        directions = {
            self.Direction.UP: _("A rise"),
            self.Direction.DOWN: _("A drop"),
        }
        return _("%(change)s of at least %(percent)s %% over %(periods)s periods") % {
            "change": directions.get(self.Direction(self.direction), _("A change")),
            "percent": f"{self.change_percent:g}" if self.change_percent is not None else "?",
            "periods": self.change_periods or "?",
        }

    def scope_text(self) -> str:
        """Return which indicators the rule watches, in words (join `indicator` and `journey`)."""
        if self.scope == self.Scope.INDICATOR and self.indicator is not None:
            return _("Indicator %(name)s") % {"name": self.indicator.name}
        if self.scope == self.Scope.GROUP:
            return _("Indicators of %(group)s") % {"group": self.get_stakeholder_group_display()}
        if self.scope == self.Scope.JOURNEY and self.journey is not None:
            return _("Indicators of the journey %(name)s") % {"name": self.journey.name}
        return str(_("All indicators"))

    def matches(self, indicator: Indicator) -> bool:
        """Return whether the indicator is in the rule's scope."""
        if self.scope == self.Scope.INDICATOR:
            return self.indicator_id == indicator.pk
        if self.scope == self.Scope.GROUP:
            return self.stakeholder_group == indicator.stakeholder_group
        if self.scope == self.Scope.JOURNEY:
            return self.journey_id is not None and self.journey_id == indicator.journey_id
        return True


class AlertSubscription(models.Model):
    """Who hears of a rule's alerts (a person or everyone holding a role), where and how often."""

    ROLE_CHOICES = [(role.value, role.value) for role in Role if role != Role.PARTNER]

    class Channel(models.TextChoices):
        EMAIL = "email", _("Notification centre and e-mail")
        IN_APP = "in_app", _("Notification centre only")
        CHAT = "chat", _("Chat channel")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest (Mondays)")

    rule = models.ForeignKey(
        AlertRule,
        verbose_name=_("alert rule"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
    )
    role = models.CharField(_("role"), max_length=40, blank=True, choices=ROLE_CHOICES)
    channel = models.CharField(
        _("channel"), max_length=6, choices=Channel.choices, default=Channel.EMAIL
    )
    chat_channel = models.ForeignKey(
        ChatChannel,
        verbose_name=_("chat channel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
    )
    frequency = models.CharField(
        _("frequency"), max_length=9, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("last digest up to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["rule", "id"]
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(role=""))
                | (Q(user__isnull=True) & ~Q(role="")),
                name="alert_subscription_user_or_role",
                violation_error_message=_("Subscribe either a person or a role."),
            ),
            models.CheckConstraint(
                condition=Q(channel="chat", chat_channel__isnull=False)
                | (~Q(channel="chat") & Q(chat_channel__isnull=True)),
                name="alert_subscription_chat_channel",
                violation_error_message=_("Choose a chat channel for the chat channel only."),
            ),
            # Chat channels are NULL for the other channels: one constraint per kind of holder.
            models.UniqueConstraint(
                fields=["rule", "user", "channel"],
                condition=Q(user__isnull=False, chat_channel__isnull=True),
                name="alert_subscription_once_per_user",
                violation_error_message=_("This subscription exists already."),
            ),
            models.UniqueConstraint(
                fields=["rule", "role", "channel"],
                condition=Q(user__isnull=True, chat_channel__isnull=True),
                name="alert_subscription_once_per_role",
                violation_error_message=_("This subscription exists already."),
            ),
            # A channel hears of a rule's alerts once, whoever subscribed it.
            models.UniqueConstraint(
                fields=["rule", "chat_channel"],
                condition=Q(chat_channel__isnull=False),
                name="alert_subscription_once_per_chat",
                violation_error_message=_("This subscription exists already."),
            ),
        ]

    def __str__(self) -> str:
        who = self.user.get_username() if self.user is not None else self.role
        return f"{self.rule} → {who} ({self.get_channel_display()})"
