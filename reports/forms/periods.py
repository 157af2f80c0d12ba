"""The reporting window shared by the reports pages' filters: a range of whole local days."""

from datetime import date
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.validation import validate_date_in_range

from ..periods import last_complete_months


class PeriodForm(forms.Form):
    """A date range, the last twelve complete months when left empty; the end not before the
    start. Bound to the query string, so that an invalid range is named next to its field."""

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

    def __init__(self, data: Any = None, *args: Any, today: date | None = None, **kwargs: Any):
        # The defaults go into the data, so that the page shows the window it reports on.
        self.default_from, self.default_to = last_complete_months(today=today)
        data = data.copy() if data is not None else {}
        if not data.get("date_from"):
            data["date_from"] = self.default_from.isoformat()
        if not data.get("date_to"):
            data["date_to"] = self.default_to.isoformat()
        super().__init__(data, *args, **kwargs)
        for name, field in self.fields.items():
            css = "form-control" if name.startswith("date_") else "form-select"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def full_clean(self) -> None:
        super().full_clean()
        # Mark each refused field, and point it to its message, for screen readers too.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"error_{name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _("The end comes on or after the start (%(start)s).")
                % {"start": formats.date_format(start, "DATE_FORMAT")},
            )
        return data
