"""Forms of the stakeholder pages; the views save them through stakeholders.services."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.roles import staff_users

from .constants import SCORE_MAX, SCORE_MIN
from .models import Department, Partner

User = get_user_model()

# The selection criteria as pages name them; the 1-5 range is stated once, above the scores.
SCORE_LABELS = {
    "reliability_score": _("Reliability"),
    "customer_impact_score": _("Customer impact"),
    "values_score": _("Values alignment"),
    "cost_score": _("Cost"),
}
SCORE_FIELDS = list(SCORE_LABELS)


def legend(text: str | Promise) -> str:
    """Return a fieldset legend sized like the cards' headings (crispy renders it as HTML)."""
    return format_html('<span class="fs-6 fw-semibold">{}</span>', text)


class DepartmentForm(forms.ModelForm):
    """A department's name, lead and description."""

    class Meta:
        model = Department
        fields = ["name", "lead", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_field: Any = self.fields["lead"]
        lead_field.queryset = staff_users()
        lead_field.label_from_instance = lambda user: user.get_full_name() or user.username


class PartnerForm(forms.ModelForm):
    """A partner: kind and status, the four selection scores, expectations and contact."""

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "status",
            *SCORE_FIELDS,
            "quality_expectations",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            # The browser hints the range; the model's validators (through the service) decide.
            **{
                name: forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX})
                for name in SCORE_FIELDS
            },
            "quality_expectations": forms.Textarea(attrs={"rows": 4}),
        }
        labels = SCORE_LABELS
        help_texts = {
            "quality_expectations": _(
                "What the partner and the organisation agreed the customer can expect."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-12 col-md-6"),
                Column("kind", css_class="col-6 col-md-3"),
                Column("status", css_class="col-6 col-md-3"),
            ),
            Fieldset(
                legend(_("Selection criteria (1 = poor, 5 = excellent)")),
                Row(*(Column(name, css_class="col-6 col-md-3") for name in SCORE_FIELDS)),
            ),
            Field("quality_expectations"),
            Fieldset(
                legend(_("Contact")),
                Row(
                    Column("contact_name", css_class="col-12 col-md-4"),
                    Column("contact_email", css_class="col-12 col-md-4"),
                    Column("contact_phone", css_class="col-12 col-md-4"),
                ),
            ),
        )


class PartnerFilterForm(forms.Form):
    """The partner list's filters (kind, status) and sort order, read from the query string."""

    SORTS = {
        "name": ("name",),
        "-score": ("-weighted_score", "name"),
        "score": ("weighted_score", "name"),
    }

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Partner.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Partner.Status.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("-score", _("Highest weighted score")),
            ("score", _("Lowest weighted score")),
        ],
    )

    def apply(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        """Filter and order partners by the valid choices; an invalid value is ignored."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        chosen = self.cleaned_data
        if chosen.get("kind"):
            partners = partners.filter(kind=chosen["kind"])
        if chosen.get("status"):
            partners = partners.filter(status=chosen["status"])
        return partners.order_by(*self.SORTS[chosen.get("sort") or "name"])


class ContactInviteForm(forms.Form):
    """A partner contact to invite to the portal: their name and e-mail address."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The invitation goes here; it is also their sign-in name."),
    )
