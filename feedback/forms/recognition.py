"""Forms of the recognition pages."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, ImprovementIdea
from .fields import (
    person_label,
    staff_choices,
)

User = get_user_model()


class RecognitionForm(forms.Form):
    """Kudos to an employee."""

    recipient = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none())
    behaviour = forms.CharField(
        label=_("What they did and how it helped customers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    complaint = forms.ModelChoiceField(
        queryset=Complaint.objects.all(), required=False, widget=forms.HiddenInput
    )
    idea = forms.ModelChoiceField(
        queryset=ImprovementIdea.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, exclude_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["recipient"]
        people = staff_choices()
        if exclude_user is not None:
            people = people.exclude(pk=exclude_user.pk)
        field.queryset = people
        field.label_from_instance = person_label
