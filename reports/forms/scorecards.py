"""Forms of the scorecard pages: the scoring rules, a partner's expectations, the month shown."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ..models import ScorecardCriterion


def _number(value: float) -> str:
    return f"{value:g}"


class ScorecardRulesForm(forms.Form):
    """Each criterion's weight, default expectation and distance to 0, and the weights' total.

    The fields are made per criterion: `weight_<key>`, `expectation_<key>`, `tolerance_<key>`.
    The service checks that the weights add up to 100 and names `weights`: its error shows
    next to the total, under the weights.
    """

    SERVICE_FIELDS = {"weights": "total"}

    total = forms.IntegerField(
        label=_("Total of the weights"),
        required=False,
        disabled=True,
        help_text=_("The weights must add up to 100."),
    )

    def __init__(
        self, data: Any = None, *, criteria: Sequence[ScorecardCriterion], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            label = criterion.get_key_display()
            unit = f" ({criterion.unit})" if criterion.unit else ""
            self.fields[f"weight_{criterion.key}"] = forms.IntegerField(
                label=_("Weight of %(criterion)s") % {"criterion": label},
                min_value=0,
                max_value=100,
                initial=criterion.weight,
            )
            self.fields[f"expectation_{criterion.key}"] = forms.FloatField(
                label=_("Default expectation of %(criterion)s%(unit)s")
                % {"criterion": label, "unit": unit},
                initial=criterion.expectation,
            )
            self.fields[f"tolerance_{criterion.key}"] = forms.FloatField(
                label=_("%(criterion)s scores 0 this far worse%(unit)s")
                % {"criterion": label, "unit": unit},
                min_value=0.001,
                initial=criterion.tolerance,
            )
        self.fields["total"].initial = self._posted_total()
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
            if name != "total":
                field.widget.attrs.setdefault("step", "1" if name.startswith("weight_") else "any")

    def _posted_total(self) -> int | None:
        """Return the total of the weights as posted (as stored before a post)."""
        if not self.is_bound:
            return sum(criterion.weight for criterion in self.criteria)
        try:
            return sum(int(self.data.get(f"weight_{c.key}", "")) for c in self.criteria)
        except ValueError:
            return None  # a weight that is not a number: its own error says so

    def rows(self) -> list[tuple[ScorecardCriterion, list[forms.BoundField]]]:
        """Return each criterion with its three fields, for the table of the page."""
        return [
            (
                criterion,
                [
                    self[f"{part}_{criterion.key}"]
                    for part in ("weight", "expectation", "tolerance")
                ],
            )
            for criterion in self.criteria
        ]

    def parts(self, part: str) -> dict[str, Any]:
        """Return one part of the rules ("weight", "expectation", "tolerance") by criterion."""
        return {c.key: self.cleaned_data[f"{part}_{c.key}"] for c in self.criteria}


class PartnerExpectationsForm(forms.Form):
    """The expectation agreed with a partner per criterion; empty keeps the default."""

    def __init__(
        self,
        data: Any = None,
        *,
        criteria: Sequence[ScorecardCriterion],
        agreed: dict[str, float],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            unit = f" ({criterion.unit})" if criterion.unit else ""
            self.fields[f"expectation_{criterion.key}"] = forms.FloatField(
                label=f"{criterion.get_key_display()}{unit}",
                required=False,
                initial=agreed.get(criterion.key),
                help_text=_("Empty: the default, %(default)s. %(direction)s.")
                % {
                    "default": _number(criterion.expectation),
                    "direction": criterion.get_direction_display(),
                },
                widget=forms.NumberInput(
                    attrs={
                        "class": "form-control",
                        "step": "any",
                        "placeholder": _number(criterion.expectation),
                    }
                ),
            )

    def expectations(self) -> dict[str, float | None]:
        """Return the agreed expectations by criterion key (None: the default)."""
        return {c.key: self.cleaned_data[f"expectation_{c.key}"] for c in self.criteria}


class ScorecardMonthForm(forms.Form):
    """The month a scorecard shows: one of the months the partner has a score in (GET)."""

    period = forms.TypedChoiceField(
        label=_("Month"), coerce=date.fromisoformat, required=False, empty_value=None
    )

    def __init__(self, data: Any = None, *, months: Sequence[date], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (month.isoformat(), formats.date_format(month, "YEAR_MONTH_FORMAT")) for month in months
        ]
        field.widget.attrs.update({"class": "form-select form-select-sm"})

    def chosen(self, default: date) -> date:
        """Return the month asked for, else the default."""
        return self.cleaned_data.get("period") or default
