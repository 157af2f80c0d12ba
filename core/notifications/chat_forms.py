"""The form quality managers connect a chat channel with."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import ChatChannel


class ChatChannelForm(forms.ModelForm):
    """A channel's name, kind, webhook URL and whether messages go to it.

    Editing, the URL is not shown (it is a secret): left empty, the channel keeps its URL.
    """

    # Declared to take a typed address without a scheme as https (Django 6's default).
    url = forms.URLField(
        label=_("Webhook URL"),
        max_length=ChatChannel._meta.get_field("url").max_length,
        assume_scheme="https",
        help_text=_(
            "Slack: the incoming webhook URL of the channel's app (https://hooks.slack.com/…). "
            "Teams: the URL of the Workflows template “Post to a channel when a webhook "
            "request is received”."
        ),
    )

    class Meta:
        model = ChatChannel
        fields = ["name", "kind", "url", "is_active"]
        help_texts = {
            "is_active": _("Switched off, the channel receives nothing until switched on again."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["url"].required = False
            self.fields["url"].help_text = _(
                "Leave empty to keep the current URL; type a new one to replace it."
            )
            self.initial["url"] = ""

    def _post_clean(self) -> None:
        # The service validates and saves the row; the form only checks what was typed.
        pass
