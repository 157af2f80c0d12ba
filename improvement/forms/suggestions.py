"""The form of the suggested cycles' page: dismissing a suggestion with the reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validation import LONG_TEXT


class SuggestionDismissForm(forms.Form):
    """Why a quality manager dismisses a suggested cycle (required; kept with the suggestion)."""

    dismiss_reason = forms.CharField(
        label=_("Why dismiss it?"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The same evidence is never suggested again."),
    )
