"""Forms of the idea pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImprovementIdea
from .fields import TouchpointChoiceField, touchpoints


class IdeaForm(forms.Form):
    """An improvement idea."""

    title = forms.CharField(label=_("Idea in a few words"), max_length=150)
    problem = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    proposal = forms.CharField(
        label=_("What do you propose?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    expected_benefit = forms.CharField(
        label=_("Expected benefit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("Don't know")
    )


class IdeaDecisionForm(forms.Form):
    """A reviewer's reason (required to decline, optional otherwise)."""

    reason = forms.CharField(
        label=_("Reason (the submitter reads it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class IdeaFilterForm(forms.Form):
    """The idea list's filters and sort."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *list(ImprovementIdea.Status.choices)],
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        required=False,
        queryset=touchpoints(),
        empty_label=_("Any touchpoint"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("", _("Newest")), ("support", _("Most supported"))],
    )
