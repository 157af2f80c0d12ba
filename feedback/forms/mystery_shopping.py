"""Forms of the mystery-shopping pages; every save goes through feedback.services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validation import LONG_TEXT, validate_record_date

from ..models import ChecklistItem, ChecklistTemplate
from .fields import TouchpointChoiceField, touchpoints

SCORE_CHOICES = [
    (0, _("0 · not done")),
    (1, _("1 · poor")),
    (2, _("2 · fair")),
    (3, _("3 · good")),
    (4, _("4 · excellent")),
]


def items_as_text(checklist: ChecklistTemplate) -> str:
    """Return a checklist's items as the textarea shows them: "weight | text" per line."""
    return "\n".join(f"{item.weight} | {item.text}" for item in checklist.items.all())


def parse_items(text: str) -> list[tuple[str, int]]:
    """Read "weight | text" lines (a line without a weight weighs 1); blank lines are skipped."""
    items = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        weight_text, separator, item_text = line.partition("|")
        if not separator:
            items.append((line, 1))
            continue
        weight_text = weight_text.strip()
        if not weight_text.isdigit():
            problems.append(
                _('Line %(number)d: write the weight as a whole number before "|".')
                % {"number": number}
            )
            continue
        items.append((item_text.strip(), int(weight_text)))
    if problems:
        raise ValidationError(problems)
    return items


class ChecklistForm(forms.Form):
    """A mystery-shopping checklist: a name, its touchpoint and weighted items."""

    name = forms.CharField(label=_("Name"), max_length=150)
    touchpoint = TouchpointChoiceField(label=_("Touchpoint"), queryset=touchpoints())
    items = forms.CharField(
        label=_("Items"),
        max_length=LONG_TEXT,
        help_text=_(
            'One item per line as "weight | what to check"; weights run from 1 to 10 '
            "(a line without a weight weighs 1)."
        ),
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "3 | Greeted within 30 seconds\n1 | Name badge worn"}
        ),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def clean_items(self) -> list[tuple[str, int]]:
        items = parse_items(self.cleaned_data["items"])
        if not items:
            raise ValidationError(_("Write at least one item."))
        return items


class AuditForm(forms.Form):
    """A mystery-shopping visit: a 0-4 score and an optional note per item, the date, notes."""

    visited_on = forms.DateField(
        label=_("Visit date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_record_date],
    )

    notes = forms.CharField(
        label=_("Notes on the visit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"score_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Score this item.")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=300
            )

    def rows(self) -> list[tuple[ChecklistItem, Any, Any]]:
        """Return each item with its bound score and note fields, for the template."""
        return [(item, self[f"score_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def scores(self) -> dict[int, int]:
        """Return the valid scores keyed by item id."""
        return {
            item.pk: self.cleaned_data[f"score_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"score_{item.pk}") is not None
        }

    def item_notes(self) -> dict[int, str]:
        """Return the notes given, keyed by item id."""
        return {
            item.pk: self.cleaned_data[f"note_{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"note_{item.pk}")
        }
