"""Forms of the alert pages; every save goes through metrics.services_alerts."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import ChatChannel
from journeys.models import Journey

from . import selectors_alerts as selectors
from .models import AlertRule, AlertSubscription, Indicator
from .models.alerts import ALERT_STATUSES

# The channels a person picks for themselves; a chat channel is chosen by name beside it.
PERSONAL_CHANNELS = AlertSubscription.Channel.choices
ROLE_CHANNELS = [
    (value, label)
    for value, label in AlertSubscription.Channel.choices
    if value != AlertSubscription.Channel.CHAT
]


class AlertRuleForm(forms.ModelForm):
    """An alert rule: its trigger and the fields that trigger needs, and the indicators it
    watches. The model's rules put each missing value next to its field."""

    statuses = forms.MultipleChoiceField(
        label=_("Statuses"),
        required=False,
        choices=ALERT_STATUSES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a status trigger: the colours that raise an alert."),
    )

    class Meta:
        model = AlertRule
        fields = [
            "name",
            "trigger",
            "signal_rule",
            "statuses",
            "threshold",
            "direction",
            "change_percent",
            "change_periods",
            "scope",
            "indicator",
            "stakeholder_group",
            "journey",
            "is_active",
        ]
        help_texts = {
            "signal_rule": _("For a signal trigger. Empty: any rule of the indicator's rule set."),
            "threshold": _(
                "For a threshold trigger: the value the latest complete period "
                "crosses, compared with the one before."
            ),
            "direction": _("Threshold: above or below. Change: up, down or either."),
            "change_periods": _(
                "For a change trigger: compare with this many complete periods before the latest."
            ),
            "indicator": _("When the rule applies to one indicator."),
            "stakeholder_group": _("When the rule applies to a stakeholder group."),
            "journey": _("When the rule applies to a journey."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["indicator"].queryset = Indicator.objects.order_by("name")
        fields["journey"].queryset = Journey.objects.order_by("name")
        fields["signal_rule"].choices = [("", _("Any rule")), *fields["signal_rule"].choices[1:]]

    def definition(self) -> dict[str, Any]:
        """Return the rule's fields as keyword arguments of the rule services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AlertSubscribeForm(forms.Form):
    """Subscribe oneself to a rule: by e-mail, in the notification centre or in a chat channel,
    at once or in a digest."""

    rule = forms.ModelChoiceField(
        label=_("Alert rule"), queryset=AlertRule.objects.none(), empty_label=None
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=PERSONAL_CHANNELS, initial=AlertSubscription.Channel.EMAIL
    )
    chat_channel = forms.ModelChoiceField(
        label=_("Chat channel"),
        queryset=ChatChannel.objects.none(),
        required=False,
        help_text=_("For the chat channel only (quality managers)."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=AlertSubscription.Frequency.choices,
        initial=AlertSubscription.Frequency.IMMEDIATE,
        help_text=_("In-app notifications are immediate; a digest gathers the e-mails."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["rule"].queryset = selectors.alert_rules_to_subscribe()
        fields["chat_channel"].queryset = selectors.chat_channels_to_post_to()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == AlertSubscription.Channel.CHAT and not data.get("chat_channel"):
            self.add_error("chat_channel", _("Choose the chat channel."))
        return data


class RoleSubscribeForm(forms.Form):
    """Subscribe everyone holding a role to a rule (quality managers)."""

    # Distinct names from the personal form's: both forms share the page.
    SERVICE_FIELDS = {"rule": "role_rule", "channel": "role_channel", "frequency": "role_frequency"}

    role_rule = forms.ModelChoiceField(
        label=_("Alert rule"), queryset=AlertRule.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("Role"), choices=AlertSubscription.ROLE_CHOICES)
    role_channel = forms.ChoiceField(
        label=_("Channel"), choices=ROLE_CHANNELS, initial=AlertSubscription.Channel.EMAIL
    )
    role_frequency = forms.ChoiceField(
        label=_("How often"),
        choices=AlertSubscription.Frequency.choices,
        initial=AlertSubscription.Frequency.DAILY,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["role_rule"].queryset = selectors.alert_rules_to_subscribe()


class SubscriptionFrequencyForm(forms.Form):
    """How often a subscription is told."""

    frequency = forms.ChoiceField(label=_("How often"), choices=AlertSubscription.Frequency.choices)
