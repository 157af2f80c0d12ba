"""Forms of the metrics pages; every save goes through metrics.services or metrics.recompute."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validation import validate_date_in_range
from feedback.forms import person_label, staff_choices, touchpoint_label, touchpoints
from journeys.models import Journey
from stakeholders.constants import StakeholderGroup
from stakeholders.models import CustomerSegment, Partner

from . import selectors
from .models import Annotation, Indicator
from .templatetags.metrics_format import period_label

# Path segments under /metrics/ that are pages, so no indicator code may take them.
RESERVED_CODES = {"new", "runs", "alerts"}
# The limits form offers the latest periods only: a daily indicator has thousands of them.
LIMIT_PERIOD_CHOICES = 400


class IndicatorFilterForm(forms.Form):
    """The indicator list's filters, read from the query string; invalid values are ignored."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Indicator.Kind.choices]
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"),
        required=False,
        choices=[("", _("Any group")), *StakeholderGroup.choices],
    )
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        required=False,
        queryset=Journey.objects.order_by("name"),
        empty_label=_("Any journey"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Indicator.Status.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "q":
                field.widget.attrs.update(
                    {
                        "class": "form-control form-control-sm",
                        "type": "search",
                        "placeholder": _("Name or code"),
                    }
                )
            else:
                field.widget.attrs.update({"class": "form-select form-select-sm"})

    def filters(self) -> dict[str, Any]:
        """Return the valid filters as keyword arguments of selectors.indicators_for_list."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind") or "",
            "stakeholder_group": data.get("stakeholder_group") or "",
            "journey": data.get("journey"),
            "status": data.get("status") or "",
            "search": (data.get("q") or "").strip(),
        }


class IndicatorForm(forms.ModelForm):
    """An indicator's definition; saved through services.indicator_create / indicator_update."""

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "kind",
            "stakeholder_group",
            "owner",
            "computation",
            "grain",
            "unit",
            "direction",
            "active_customer",
            "active_window_days",
            "journey",
            "touchpoint",
            "partner",
            "segment",
            "target",
            "amber_threshold",
            "red_threshold",
            "chart_type",
            "baseline_periods",
            "rule_set",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "code": _(
                "Lower-case letters, digits, - and _; it names the indicator in URLs and the API."
            ),
            "active_customer": _(
                "Retention, churn, repeat purchase and referral rate only. Contract in force: a "
                "purchase or renewal within the customer's contract term (or the window, for "
                "customers without one), not cancelled since. Trailing window: a purchase, "
                "renewal or referral within the window, not cancelled since."
            ),
            "active_window_days": _(
                "Required for a contract or trailing-window definition: the trailing window, or "
                "the term of customers without a contract term."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = staff_choices()
        owner.label_from_instance = person_label
        journey: Any = self.fields["journey"]
        journey.queryset = Journey.objects.order_by("name")
        touchpoint: Any = self.fields["touchpoint"]
        touchpoint.queryset = touchpoints()
        touchpoint.label_from_instance = touchpoint_label
        partner: Any = self.fields["partner"]
        partner.queryset = Partner.objects.order_by("name")
        segment: Any = self.fields["segment"]
        segment.queryset = CustomerSegment.objects.order_by("name")
        # Only the customer computations read it: the others keep the default unasked.
        self.fields["active_customer"].required = False
        if self.instance.pk:
            # The code is the indicator's address: links and API clients rely on it.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot change once the indicator exists.")

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not self.instance.pk and code in RESERVED_CODES:
            raise forms.ValidationError(_("This code names a page; choose another."))
        return code

    def clean_active_customer(self) -> str:
        value: str = self.cleaned_data.get("active_customer") or ""
        return value or Indicator.ActiveCustomer.PREVIOUS_PERIOD

    def _post_clean(self) -> None:
        # The service validates and saves the row; the form only checks its own fields.
        pass

    def definition(self) -> dict[str, Any]:
        """Return the fields to hand to the service (the code only when creating)."""
        fields = dict(self.cleaned_data)
        if self.instance.pk:
            fields.pop("code", None)
        return fields


def is_safe_link(link: str) -> bool:
    """Return whether a link is a path on this site or an http(s) address (nothing that runs)."""
    if link.startswith("/"):
        return not link.startswith("//")
    return link.lower().startswith(("https://", "http://"))


def _safe_link(value: str) -> str:
    """Accept an empty link, a path on this site or an http(s) address."""
    link = value.strip()
    if not link or is_safe_link(link):
        return link
    raise forms.ValidationError(
        _("Give a page of this site (starting with /) or an address starting with https://.")
    )


class AnnotationForm(forms.Form):
    """A dated note on the indicator's charts: a single day or a shaded range."""

    label = forms.CharField(label=_("Label"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Kind"),
        # New limits are annotated by "Recalculate limits", not by hand.
        choices=[
            (value, label)
            for value, label in Annotation.Kind.choices
            if value != Annotation.Kind.LIMITS
        ],
        initial=Annotation.Kind.NOTE,
    )
    starts_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )
    ends_on = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
        help_text=_("With an end date the note is a shaded range."),
    )

    link = forms.CharField(
        label=_("Link (optional)"),
        max_length=300,
        required=False,
        help_text=_("A page of this site (/…) or an https:// address."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The indicator page shows this form beside the limits form: ids must not clash.
        kwargs.setdefault("auto_id", "annotation_%s")
        super().__init__(*args, **kwargs)

    def clean_link(self) -> str:
        return _safe_link(self.cleaned_data.get("link") or "")


class LimitsForm(forms.Form):
    """Restart the control limits at a period after a deliberate process change."""

    starts_on = forms.TypedChoiceField(
        label=_("New limits from the period"), coerce=date.fromisoformat
    )
    reason = forms.CharField(
        label=_("Why the process changed"),
        max_length=200,
        required=False,  # the service says why a reason is needed
        help_text=_("e.g. the PDCA cycle or the new procedure that took effect."),
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        # The indicator page shows this form beside the annotation form: ids must not clash.
        kwargs.setdefault("auto_id", "limits_%s")
        super().__init__(*args, **kwargs)
        starts_on: Any = self.fields["starts_on"]
        starts_on.choices = [("", _("Choose the first period of the new process"))] + [
            (period.isoformat(), period_label(period, indicator.grain))
            for period in selectors.periods_of(indicator, limit=LIMIT_PERIOD_CHOICES)
        ]


class DriverForm(forms.Form):
    """Declare a leading indicator believed to move this (lagging) one."""

    leading = forms.ModelChoiceField(
        label=_("Leading indicator"), queryset=Indicator.objects.none()
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "driver_%s")
        super().__init__(*args, **kwargs)
        leading: Any = self.fields["leading"]
        leading.queryset = selectors.leading_choices(indicator)
        leading.label_from_instance = lambda other: f"{other.name} ({other.get_grain_display()})"


class RecomputeForm(forms.Form):
    """Start a recompute of what changed, or of everything."""

    full = forms.BooleanField(
        label=_("Full rebuild (every period of every indicator)"), required=False
    )
