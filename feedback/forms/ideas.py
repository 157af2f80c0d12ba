"""Forms of the idea pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import IdeaComment, ImprovementIdea
from ..selectors.ideas import SEARCH_MAX_LENGTH
from .fields import TouchpointChoiceField, touchpoints

ROADMAP_LABEL = _("Show on the public roadmap")
ROADMAP_HELP = _(
    "Customers see its title, status, touchpoint and outcome; never who submitted it, nor the "
    "problem and proposal."
)


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
    """A reviewer's reason (required to decline, optional otherwise), and whether an accepted or
    implemented idea shows on the public roadmap."""

    reason = forms.CharField(
        label=_("Reason (the submitter and supporters read it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    on_roadmap = forms.BooleanField(
        label=ROADMAP_LABEL,
        required=False,
        help_text=_("When accepting or implementing it. %(more)s") % {"more": ROADMAP_HELP},
    )


class IdeaRoadmapForm(forms.Form):
    """Whether an accepted or implemented idea shows on the public roadmap."""

    on_roadmap = forms.BooleanField(label=ROADMAP_LABEL, required=False, help_text=ROADMAP_HELP)


class IdeaCommentForm(forms.Form):
    """A comment in an idea's conversation."""

    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=IdeaComment._meta.get_field("text").max_length,
        error_messages={"required": _("Write a comment.")},
    )


class IdeaFilterForm(forms.Form):
    """The idea list's search, filters and sort."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control form-control-sm",
                "placeholder": _("Reference, title, problem, proposal…"),
            }
        ),
    )
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
