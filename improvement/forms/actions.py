"""Forms of a cycle's actions: plan one, tick it off, defer it."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from feedback.forms import staff_choices

from .fields import (
    TEXT,
    PersonChoiceField,
    date_widget,
)

User = get_user_model()


class ActionForm(forms.Form):
    """An action of the Do phase (or an immediate containment action)."""

    # Not "title": the cycle page's Plan form has a title too, and field ids must stay unique.
    action_title = forms.CharField(label=_("Action"), max_length=200)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=date_widget())
    containment = forms.BooleanField(
        label=_("Immediate containment"),
        required=False,
        help_text=_("Stops the harm now, before the root cause is known."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT)

    SERVICE_FIELDS = {"title": "action_title"}

    def arguments(self) -> dict[str, Any]:
        """Return the cleaned data as `action_add` takes it."""
        data = dict(self.cleaned_data)
        data["title"] = data.pop("action_title")
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the cycle page's Plan form has an owner field too.
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = staff_choices()


class ActionDoneForm(forms.Form):
    """Ticking an action off, with an optional note of what was done."""

    note = forms.CharField(label=_("What was done (optional)"), required=False, max_length=TEXT)


class ActionDeferForm(forms.Form):
    """Deferring an open action, with the reason."""

    reason = forms.CharField(label=_("Deferred because"), max_length=TEXT)

    SERVICE_FIELDS = {"deferred_reason": "reason"}
