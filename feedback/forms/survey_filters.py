"""Filters of a survey's results over time and of its answers' export (from the query string)."""

from datetime import date
from typing import Any

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.forms import DateRangeFilterForm
from journeys.models import Journey
from stakeholders.models import CustomerSegment

from ..models import Survey
from ..selectors.survey_trends import MONTH, WEEK, AnswerFilters, TrendFilters, default_window
from .fields import TouchpointChoiceField, refuse_touchpoint_outside_journey, touchpoints


class SurveyAnswerFilterForm(DateRangeFilterForm):
    """Which answers of a survey: answered between two days, about a journey or touchpoint, by
    customers of a segment. An eNPS survey is filtered by dates only (anonymity)."""

    journey = forms.ModelChoiceField(
        label=_("Journey"),
        required=False,
        queryset=Journey.objects.order_by("name"),
        empty_label=_("Any journey"),
        help_text=_("The journey the answer was about when it was given."),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        required=False,
        queryset=touchpoints(),
        empty_label=_("Any touchpoint"),
        help_text=_("The touchpoint the answer was about when it was given."),
    )
    segment = forms.ModelChoiceField(
        label=_("Customer segment"),
        required=False,
        queryset=CustomerSegment.objects.order_by("name"),
        empty_label=_("Any segment"),
        help_text=_(
            "Answers of customers in this segment (answers without a customer are left out)."
        ),
    )

    # eNPS answers are read by date only: a smaller group could name its members.
    EMPLOYEE_FIELDS = ("date_from", "date_to")

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        if survey.is_employee_survey:
            for name in list(self.fields):
                if name not in self.EMPLOYEE_FIELDS and name != "grain":
                    del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        refuse_touchpoint_outside_journey(self, data)
        return data

    def _values(self) -> dict[str, Any]:
        """Return the valid filters as ids and dates (call after is_valid)."""
        data = self.cleaned_data
        journey, touchpoint, segment = (
            data.get("journey"),
            data.get("touchpoint"),
            data.get("segment"),
        )
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "journey": journey.pk if journey else None,
            "touchpoint": touchpoint.pk if touchpoint else None,
            "segment": segment.pk if segment else None,
        }

    def filters(self) -> AnswerFilters:
        """Return the filters of a valid form."""
        return AnswerFilters(**self._values())

    def query(self) -> str:
        """Return the valid filters as a query string (for the export link), without the grain."""
        data = {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in self._values().items()
            if value is not None
        }
        return urlencode(data)


class SurveyTrendForm(SurveyAnswerFilterForm):
    """The filters of a survey's score per week or month. Empty dates show the last 12 months;
    the page shows them filled in, so that it says which window it charts."""

    grain = forms.ChoiceField(
        label=_("Per"),
        required=False,
        choices=[(MONTH, _("Month")), (WEEK, _("Week"))],
    )

    field_order = ["grain", "date_from", "date_to", "journey", "touchpoint", "segment"]

    def __init__(
        self, data: Any = None, *args: Any, survey: Survey, today: date | None = None, **kwargs: Any
    ) -> None:
        # The defaults go into the data, so that the page shows the window it charts.
        default_from, default_to = default_window(survey, today)
        data = data.copy() if data is not None else {}
        if not data.get("date_from"):
            data["date_from"] = default_from.isoformat()
        if not data.get("date_to"):
            data["date_to"] = default_to.isoformat()
        if not data.get("grain"):
            data["grain"] = MONTH
        super().__init__(data, *args, survey=survey, **kwargs)
        if survey.is_employee_survey:
            grain: Any = self.fields["grain"]
            grain.choices = [(MONTH, _("Month"))]
            grain.help_text = _("eNPS is shown by whole months only, to protect anonymity.")

    def filters(self) -> TrendFilters:
        """Return the filters of a valid form."""
        return TrendFilters(**self._values(), grain=self.cleaned_data.get("grain") or MONTH)
