"""The form quality managers add and change a webhook endpoint with."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import WebhookEndpoint

from .events import EVENT_TYPES


class WebhookEndpointForm(forms.ModelForm):
    """A receiver's URL, a description and the event types it takes (none ticked: all)."""

    # Declared to take a typed address without a scheme as https (Django 6's default).
    url = forms.URLField(
        label=_("URL"),
        max_length=WebhookEndpoint._meta.get_field("url").max_length,
        assume_scheme="https",
        help_text=_(
            "The https:// address of the receiver. Each request is signed as the Standard "
            "Webhooks specification says (headers webhook-id, webhook-timestamp, "
            "webhook-signature)."
        ),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=[(event_type, event_type) for event_type in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: the endpoint receives every event type."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["event_types"] = list(self.instance.event_types)

    def _post_clean(self) -> None:
        # The service validates and saves the row; the form only checks what was typed.
        pass
