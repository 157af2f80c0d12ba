"""Forms of the insights and themes pages; every save goes through feedback.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validation import validate_date_in_range
from journeys.models import Journey

from ..models import Insight, Theme
from ..selectors.insights import UNTAGGED, InsightFilters, active_themes
from .fields import TouchpointChoiceField, touchpoints


class InsightFilterForm(forms.Form):
    """The insights page's search and filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source")), *list(Insight.Source.choices)],
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
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
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme_field: Any = self.fields["theme"]
        theme_field.choices = [
            ("", _("Any theme")),
            (UNTAGGED, _("Untagged")),
            *[(str(theme.pk), theme.name) for theme in Theme.objects.order_by("name")],
        ]
        for name, field in self.fields.items():
            if name in {"q", "date_from", "date_to"}:
                field.widget.attrs.update({"class": "form-control form-control-sm"})
                if name == "q":
                    field.widget.attrs["type"] = "search"
            else:
                field.widget.attrs.update({"class": "form-select form-select-sm"})

    def filters(self) -> InsightFilters:
        """Return the valid filters (invalid ones are ignored, as a list page should)."""
        if not self.is_bound:
            return InsightFilters()
        self.is_valid()  # leaves the valid fields in cleaned_data, the others in errors
        data = self.cleaned_data

        journey = data.get("journey")
        touchpoint = data.get("touchpoint")
        return InsightFilters(
            search=data.get("q") or "",
            source=data.get("source") or "",
            theme=data.get("theme") or "",
            journey=journey.pk if journey else None,
            touchpoint=touchpoint.pk if touchpoint else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class InsightTagForm(forms.Form):
    """The themes of one insight (the list replaces the one it had)."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False
    )


class InsightNoteForm(forms.Form):
    """What a customer told a member of staff; themes only for those who tag."""

    text = forms.CharField(
        label=_("What did the customer say?"),
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
        max_length=5000,
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("Don't know")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, may_tag: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if may_tag:
            field: Any = self.fields["themes"]
            field.queryset = active_themes()
        else:
            del self.fields["themes"]


class ThemeForm(forms.Form):
    """A theme of the list insights are tagged from."""

    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    is_active = forms.BooleanField(
        label=_("In use (offered when tagging)"), required=False, initial=True
    )
