"""The Pareto page's filters: what to rank, where, and over which days."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.forms import TouchpointChoiceField, refuse_touchpoint_outside_journey, touchpoints
from journeys.models import Journey
from stakeholders.models import Partner

from ..selectors.pareto import BY_CATEGORY, BY_ROOT_CAUSE
from .periods import PeriodForm

BOTH = "both"


class ParetoFilterForm(PeriodForm):
    """Measure (categories, root causes or both), journey, touchpoint, partner and dates."""

    measure = forms.ChoiceField(
        label=_("Rank"),
        required=False,
        choices=[
            (BOTH, _("Categories and root causes")),
            (BY_CATEGORY, _("Categories (themes)")),
            (BY_ROOT_CAUSE, _("Root causes (6M)")),
        ],
    )
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        required=False,
        queryset=Journey.objects.order_by("name"),
        empty_label=_("Any journey"),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        required=False,
        queryset=touchpoints(),
        empty_label=_("Any touchpoint"),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.order_by("name"),
        empty_label=_("Any partner"),
        help_text=_("The complaints attributed to the partner when they were logged."),
    )

    field_order = ["measure", "journey", "touchpoint", "partner", "date_from", "date_to"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        refuse_touchpoint_outside_journey(self, data)
        return data

    @property
    def measures(self) -> list[str]:
        """Return the Paretos to draw: the chosen one, or both."""
        chosen = self.cleaned_data.get("measure") or BOTH
        return [BY_CATEGORY, BY_ROOT_CAUSE] if chosen == BOTH else [chosen]
