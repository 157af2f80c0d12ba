"""Fields and limits shared by the improvement forms."""

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from feedback.forms import person_label
from journeys.models import Journey
from metrics.models import Indicator

User = get_user_model()

TEXT = 5000  # the longest free text a page takes (the model holds more)
REFERENCES = 2000  # a comma-separated list of references
WHYS = 5 * 500 + 4  # five answers of at most 500 characters, one a line


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    """A staff member, by name."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Staff members, by name."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class IndicatorChoiceField(forms.ModelChoiceField):
    """An indicator, by name and code."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


def split_references(text: str) -> list[str]:
    return [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]


def journey_choices() -> QuerySet[Journey]:
    return Journey.objects.order_by("name")


def indicator_choices() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("name")
