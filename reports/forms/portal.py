"""The partner portal's form: a corrective-action note on a complaint at the partner's
touchpoints."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validation import LONG_TEXT


class PartnerNoteForm(forms.Form):
    """What the partner did, or will do, about a complaint."""

    text = forms.CharField(
        label=_("Corrective-action note"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you found and what you changed or will change; the quality manager sees it on "
            "the complaint and on your scorecard."
        ),
    )
