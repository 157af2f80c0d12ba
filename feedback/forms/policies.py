"""Forms of the SLA policy page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Severity, SeverityPolicy


class SeverityPolicyForm(forms.ModelForm):
    """The SLA targets of one severity."""

    class Meta:
        model = SeverityPolicy
        fields = ["acknowledge_within_hours", "resolve_within_days", "working_days_only"]


class FrontlineLimitForm(forms.Form):
    """Up to which severity frontline staff resolve their own complaints."""

    highest_severity = forms.TypedChoiceField(
        label=_("Frontline staff may resolve complaints up to"),
        widget=forms.Select(attrs={"class": "form-select"}),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            ("", _("None: quality managers resolve every complaint")),
            *list(Severity.choices),
        ],
    )
