"""The dashboard's filters, read from the query string: an invalid value is named next to its
field and the page answers 400, showing the defaults in its place."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey
from metrics.models import Indicator
from metrics.templatetags.metrics_format import period_label
from stakeholders.constants import StakeholderGroup
from stakeholders.models import CustomerSegment

from ..selectors.dashboard import (
    DEFAULT_MEASURE,
    DEFAULT_SORT,
    MEASURES,
    DashboardFilters,
    last_complete_month,
    sort_choices,
)
from ..selectors.dashboard.periods import add_months, month_start

MONTHS_OFFERED = 37  # the month in progress and three complete years: each with last year's


def month_choices(today: date) -> list[tuple[str, str]]:
    """Return the months offered, newest first: the one in progress says "so far"."""
    current = month_start(today)
    choices = [
        (
            current.strftime("%Y-%m"),
            gettext("%(month)s (so far)") % {"month": period_label(current, "month")},
        )
    ]
    for back in range(1, MONTHS_OFFERED):
        month = add_months(current, -back)
        choices.append((month.strftime("%Y-%m"), period_label(month, "month")))
    return choices


class DashboardFilterForm(forms.Form):
    """Choose the month, the journey, the segment, the group, the kind, the heat measure and
    the matrix's order."""

    period = forms.ChoiceField(label=_("Month"))
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        required=False,
        queryset=Journey.objects.exclude(status=Journey.Status.RETIRED).order_by("name"),
        empty_label=_("All journeys"),
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        required=False,
        queryset=CustomerSegment.objects.order_by("name"),
        empty_label=_("All segments"),
    )
    group = forms.ChoiceField(
        label=_("Stakeholder group"),
        required=False,
        choices=[("", _("All groups")), *StakeholderGroup.choices],
    )
    kind = forms.ChoiceField(
        label=_("Leading or lagging"),
        required=False,
        choices=[("", _("Both")), *Indicator.Kind.choices],
    )
    measure = forms.ChoiceField(
        label=_("Journey heat"),
        required=False,
        choices=[(key, measure.label) for key, measure in MEASURES.items()],
        widget=forms.HiddenInput,
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(key, key) for key in sort_choices()],
        widget=forms.HiddenInput,
    )

    def __init__(self, data: Any = None, *args: Any, today: date, **kwargs: Any) -> None:
        self.default_month = last_complete_month(today)
        # The defaults go into the data, so that the page shows what it reports on.
        data = data.copy() if data is not None else {}
        defaults = {
            "period": self.default_month.strftime("%Y-%m"),
            "measure": DEFAULT_MEASURE,
            "sort": DEFAULT_SORT,
        }
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, *args, **kwargs)
        period: Any = self.fields["period"]
        period.choices = month_choices(today)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                # A filter applies as soon as it is chosen (static/js/behaviours.js).
                field.widget.attrs.update(
                    {"class": "form-select form-select-sm", "data-auto-submit": ""}
                )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def _valid(self, name: str, default: Any = None) -> Any:
        """Return a field's valid value, or its default when it is invalid or empty."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        value = getattr(self, "cleaned_data", {}).get(name)
        return value if value not in (None, "") else default

    def filters(self) -> DashboardFilters:
        """Return the valid choices (the defaults in place of invalid ones)."""
        period = self._valid("period")
        month = date.fromisoformat(f"{period}-01") if period else self.default_month
        return DashboardFilters(
            month=month,
            journey=self._valid("journey"),
            segment=self._valid("segment"),
            group=self._valid("group", ""),
            kind=self._valid("kind", ""),
        )

    def measure_key(self) -> str:
        """Return the heat map's measure."""
        return str(self._valid("measure", DEFAULT_MEASURE))

    def sort_key(self) -> str:
        """Return the matrix's order."""
        return str(self._valid("sort", DEFAULT_SORT))
