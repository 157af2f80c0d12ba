"""The journey heat view's filters: the measure and the window."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors.journey_heat import COMPLAINT_RATE, MEASURES
from .periods import PeriodForm


class JourneyHeatForm(PeriodForm):
    """Colour the journey map by a measure over a range of days."""

    measure = forms.ChoiceField(
        label=_("Colour by"),
        required=False,
        choices=[(key, measure.label) for key, measure in MEASURES.items()],
    )

    field_order = ["measure", "date_from", "date_to"]

    def measure_key(self) -> str:
        """Return the chosen measure (the complaint rate when none is chosen)."""
        return self.cleaned_data.get("measure") or COMPLAINT_RATE
