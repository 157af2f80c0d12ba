"""Forms of a cycle: the board's filters, the cycle and its Plan, the phase moves, recognition.

Every save goes through improvement.services; a form only turns what was typed into the
services' arguments (complaint and idea references into records, the 5 whys into a list).
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import staff_users
from feedback.forms import TouchpointChoiceField, staff_choices, touchpoints
from feedback.models import Complaint, ImprovementIdea
from feedback.selectors import complaints_visible_to
from stakeholders.models import Partner

from ..models import PDCACycle
from .fields import (
    REFERENCES,
    TEXT,
    WHYS,
    IndicatorChoiceField,
    PeopleChoiceField,
    PersonChoiceField,
    date_widget,
    indicator_choices,
    journey_choices,
    split_references,
)

User = get_user_model()


class CycleFilterForm(forms.Form):
    """The board's filters: journey, owner, origin and type."""

    journey = forms.ModelChoiceField(
        label=_("Journey"), queryset=journey_choices(), required=False, empty_label=_("Any journey")
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    origin = forms.ChoiceField(
        label=_("Origin"),
        required=False,
        choices=[("", _("Any origin")), *PDCACycle.Origin.choices],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *PDCACycle.Type.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A filter applies as soon as it is chosen (static/js/behaviours.js).
            field.widget.attrs.update(
                {"class": "form-select form-select-sm", "data-auto-submit": ""}
            )
        owner: Any = self.fields["owner"]
        # Only people who own a cycle: the list stays short.
        owner.queryset = (
            User.objects.filter(owned_cycles__isnull=False)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def filters(self) -> dict[str, Any]:
        """Return the chosen filters as queryset lookups (invalid values are ignored)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        lookups: dict[str, Any] = {}
        if data.get("journey"):
            lookups["journey"] = data["journey"]
        if data.get("owner"):
            lookups["owner"] = data["owner"]
        if data.get("origin"):
            lookups["origin"] = data["origin"]
        if data.get("type"):
            lookups["type"] = data["type"]
        return lookups


class CycleForm(forms.Form):
    """A new cycle: who runs it, its scope and origin, what it came from, and its Plan."""

    title = forms.CharField(label=_("Title"), max_length=150)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    team = PeopleChoiceField(
        label=_("Team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=PDCACycle.Type.choices, initial=PDCACycle.Type.IMPROVEMENT
    )
    origin = forms.ChoiceField(
        label=_("Origin"), choices=PDCACycle.Origin.choices, initial=PDCACycle.Origin.MANUAL
    )
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        queryset=journey_choices(),
        required=False,
        empty_label=_("Whole journey map"),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("None")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )
    complaints = forms.CharField(
        label=_("Complaints it came from"),
        required=False,
        max_length=REFERENCES,
        help_text=_("References separated by commas, e.g. CMP-2026-000012, CMP-2026-000015."),
    )
    ideas = forms.CharField(
        label=_("Ideas it came from"),
        required=False,
        max_length=REFERENCES,
        help_text=_("References separated by commas."),
    )
    problem_statement = forms.CharField(
        label=_("Problem statement"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    root_cause_category = forms.ChoiceField(
        label=_("Root cause category (fishbone)"),
        required=False,
        choices=[("", _("Not known yet")), *Complaint.RootCause.choices],
    )
    five_whys = forms.CharField(
        label=_("5 whys"),
        required=False,
        max_length=WHYS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer to “why?” a line, the first symptom first, at most five."),
    )
    hypothesis = forms.CharField(
        label=_("Hypothesis"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If we change …, then … will move, because …"),
    )
    target_indicator = IndicatorChoiceField(
        label=_("Target indicator"),
        queryset=indicator_choices(),
        required=False,
        empty_label=_("Choose the indicator that will judge the change"),
    )
    target_value = forms.FloatField(label=_("Target value"), required=False)
    planned_check_on = forms.DateField(
        label=_("Planned check date"), required=False, widget=date_widget()
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        people = staff_choices()
        owner: Any = self.fields["owner"]
        owner.queryset = people
        team: Any = self.fields["team"]
        team.queryset = people

    def clean_five_whys(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["five_whys"].splitlines() if line.strip()
        ]

    def clean_complaints(self) -> list[Complaint]:
        wanted = split_references(self.cleaned_data["complaints"])
        if not wanted:
            return []
        visible = complaints_visible_to(self.user) if self.user is not None else None
        found = {
            complaint.reference: complaint
            for complaint in (visible if visible is not None else Complaint.objects.none()).filter(
                reference__in=wanted
            )
        }
        missing = [reference for reference in wanted if reference not in found]
        if missing:
            raise forms.ValidationError(
                _("No complaint you can see has the reference %(references)s."),
                params={"references": ", ".join(missing)},
            )
        return [found[reference] for reference in dict.fromkeys(wanted)]

    def clean_ideas(self) -> list[ImprovementIdea]:
        wanted = split_references(self.cleaned_data["ideas"])
        if not wanted:
            return []
        found = {
            idea.reference: idea for idea in ImprovementIdea.objects.filter(reference__in=wanted)
        }
        missing = [reference for reference in wanted if reference not in found]
        if missing:
            raise forms.ValidationError(
                _("No idea has the reference %(references)s."),
                params={"references": ", ".join(missing)},
            )
        return [found[reference] for reference in dict.fromkeys(wanted)]


class PlanForm(CycleForm):
    """A cycle's Plan and context, changed while it runs (the origin stays as it was)."""

    origin = None  # type: ignore[assignment]
    baseline_from = forms.DateField(
        label=_("Baseline from"),
        required=False,
        widget=date_widget(),
        help_text=_("Leave both empty for the last year of complete periods."),
    )
    baseline_to = forms.DateField(label=_("Baseline to"), required=False, widget=date_widget())
    check_periods = forms.IntegerField(
        label=_("Periods to check"),
        min_value=1,
        max_value=36,
        initial=3,
        help_text=_("Complete periods after the change that the Check compares with the baseline."),
    )
    publish = forms.BooleanField(
        label=_("Publish on “You said, we did” once adopted"), required=False
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        required=False,
        max_length=300,
        help_text=_("Plain words for customers, no names or personal data."),
    )

    field_order = [
        "title",
        "owner",
        "team",
        "type",
        "journey",
        "touchpoint",
        "partner",
        "complaints",
        "ideas",
        "problem_statement",
        "root_cause_category",
        "five_whys",
        "hypothesis",
        "target_indicator",
        "baseline_from",
        "baseline_to",
        "target_value",
        "planned_check_on",
        "check_periods",
        "publish",
        "public_summary",
    ]

    @classmethod
    def initial_of(cls, cycle: PDCACycle) -> dict[str, Any]:
        """Return the form's initial values from a cycle (with its team, complaints and ideas)."""
        return {
            "title": cycle.title,
            "owner": cycle.owner_id,
            "team": [person.pk for person in cycle.team.all()],
            "type": cycle.type,
            "journey": cycle.journey_id,
            "touchpoint": cycle.touchpoint_id,
            "partner": cycle.partner_id,
            "complaints": ", ".join(complaint.reference for complaint in cycle.complaints.all()),
            "ideas": ", ".join(idea.reference for idea in cycle.ideas.all()),
            "problem_statement": cycle.problem_statement,
            "root_cause_category": cycle.root_cause_category,
            "five_whys": "\n".join(cycle.five_whys or []),
            "hypothesis": cycle.hypothesis,
            "target_indicator": cycle.target_indicator_id,
            "baseline_from": cycle.baseline_from,
            "baseline_to": cycle.baseline_to,
            "target_value": cycle.target_value,
            "planned_check_on": cycle.planned_check_on,
            "check_periods": cycle.check_periods,
            "publish": cycle.publish,
            "public_summary": cycle.public_summary,
        }


class DoForm(forms.Form):
    """Moving to Do: the day the Do phase began (today when left empty)."""

    started_on = forms.DateField(
        label=_("Do began on"),
        required=False,
        widget=date_widget(),
        help_text=_("Leave empty for today; give an earlier day when recording it afterwards."),
    )

    def clean_started_on(self) -> date | None:
        day = self.cleaned_data["started_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The Do phase cannot begin in the future."))
        return day


class ChangeLiveForm(forms.Form):
    """Moving to Check: the day the change went live (the Do phase's start when left empty)."""

    change_on = forms.DateField(
        label=_("The change went live on"),
        required=False,
        widget=date_widget(),
        help_text=_("The after window starts with the first period wholly after this day."),
    )


class DecideForm(forms.Form):
    """Act on the Check: adopt, adapt or abandon, with the reason and the new standard."""

    outcome = forms.ChoiceField(
        label=_("Decision"), choices=PDCACycle.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to abandon; the people who raised it read the outcome."),
    )
    new_standard = forms.CharField(
        label=_("New service standard"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Adopting writes it to the touchpoint's service standard (with history)."),
    )

    SERVICE_FIELDS = {"outcome_reason": "reason"}

    # The decisions each verdict allows (the service's gate says why when another is posted).
    ALLOWED: dict[str, list[str]] = {
        PDCACycle.Verdict.EFFECTIVE: list(PDCACycle.Outcome.values),
        PDCACycle.Verdict.NOT_EFFECTIVE: [PDCACycle.Outcome.ADAPT, PDCACycle.Outcome.ABANDON],
        PDCACycle.Verdict.INCONCLUSIVE: [PDCACycle.Outcome.ABANDON],
    }
    WHY: dict[str, Any] = {
        PDCACycle.Verdict.NOT_EFFECTIVE: _(
            "The data did not show the change working: adapt it in a follow-up cycle or abandon it."
        ),
        PDCACycle.Verdict.INCONCLUSIVE: _(
            "The Check is still inconclusive: wait for more periods, or abandon with the reason."
        ),
    }

    def offer_for(self, verdict: str) -> None:
        """Offer only the decisions the Check's verdict allows, and say why."""
        allowed = self.ALLOWED.get(verdict, list(PDCACycle.Outcome.values))
        outcome: Any = self.fields["outcome"]
        outcome.choices = [choice for choice in outcome.choices if choice[0] in allowed]
        if verdict in self.WHY:
            outcome.help_text = self.WHY[verdict]


class AbandonForm(forms.Form):
    """Abandon a cycle in Check, with the reason (how an inconclusive one ends)."""

    abandon_reason = forms.CharField(
        label=_("Why is it abandoned?"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    SERVICE_FIELDS = {"outcome_reason": "abandon_reason"}


class RecogniseForm(forms.Form):
    """Recognising a person for an adopted cycle's measured outcome."""

    recipient = PersonChoiceField(label=_("Who"), queryset=User.objects.none())
    behaviour = forms.CharField(
        label=_("What they did and the measured outcome"),
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient: Any = self.fields["recipient"]
        recipient.queryset = staff_users()
