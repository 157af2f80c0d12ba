"""Forms of the survey pages: defining surveys, inviting customers, answering."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey
from stakeholders.models import Customer, Department

from ..models import Survey
from .fields import touchpoint_label, touchpoints


class SurveyForm(forms.ModelForm):
    """What a quality manager sets on a survey; saved through services.survey_create/update."""

    class Meta:
        model = Survey
        fields = [
            "name",
            "kind",
            "question",
            "comment_question",
            "ask_improvement",
            "ask_follow_up",
            "journey",
            "touchpoint",
            "starts_at",
            "ends_at",
            "recurrence_weeks",
            "pulse_audience",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "question": _("Leave empty for the standard wording of the kind."),
            "kind": _("Fixed once the survey has answers: they were given on its scale."),
            "touchpoint": _(
                "What the survey measures. Changing the journey or touchpoint later moves all "
                "its answers, past ones included, to the new scope in the indicators."
            ),
            "pulse_audience": _(
                "Each pulse is e-mailed once, on the day it opens: staff (eNPS) are told in "
                "their notifications, partners' contacts (NPS, CSAT, CES) get a personal link."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].required = False
        journey: Any = self.fields["journey"]
        journey.queryset = Journey.objects.order_by("name")
        touchpoint: Any = self.fields["touchpoint"]
        touchpoint.queryset = touchpoints()
        touchpoint.label_from_instance = touchpoint_label

    def _post_clean(self) -> None:
        # The service validates and saves the row; the form only checks its own fields.
        pass


class InvitationForm(forms.Form):
    """A personal invitation for one customer (by their CRM reference) and an e-mail."""

    customer_reference = forms.CharField(
        label=_("Customer reference (optional)"),
        max_length=80,  # Customer.external_reference's
        required=False,
    )
    email = forms.EmailField(
        label=_("E-mail the link to (optional)"),
        required=False,
        max_length=254,  # SurveyInvitation.email's
        help_text=_("Without an address, copy the link shown after creating it."),
    )

    def clean_customer_reference(self) -> Customer | None:
        reference = self.cleaned_data["customer_reference"].strip()
        if not reference:
            return None
        customer = Customer.objects.filter(external_reference=reference).first()
        if customer is None:
            raise forms.ValidationError(_("No customer has this reference."))
        return customer


def score_choices(survey: Survey) -> list[tuple[str, str]]:
    """Return the survey's scores as choices (the page labels the scale's ends)."""
    low, high = survey.scale
    return [(str(score), str(score)) for score in range(low, high + 1)]


class AnswerForm(forms.Form):
    """One answer on the public page (or the eNPS pulse page): a score and optional words."""

    score = forms.ChoiceField(widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    improvement_suggestion = forms.CharField(
        label=_("What one thing should we improve?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_consent = forms.BooleanField(
        label=_("I would join a short follow-up conversation about it (you may contact me)."),
        required=False,
    )
    department = forms.ModelChoiceField(
        label=_("Which department do you work in? (optional)"),
        help_text=_(
            "Results per department are shown only for groups of 5 answers or more, so that "
            "nobody's answer can be recognised."
        ),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Rather not say"),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        low, high = survey.scale
        score: Any = self.fields["score"]
        score.choices = score_choices(survey)
        score.label = survey.question
        score.error_messages = {
            "required": _("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high},
            "invalid_choice": _("Choose a score from %(low)d to %(high)d.")
            % {"low": low, "high": high},
        }
        if survey.comment_question:
            self.fields["comment"].label = survey.comment_question
        elif survey.is_employee_survey:
            self.fields["comment"].label = _("Anything you would like to add? (optional)")
        else:
            del self.fields["comment"]
        if not survey.ask_improvement or survey.is_employee_survey:
            del self.fields["improvement_suggestion"]
        if not survey.ask_follow_up or survey.is_employee_survey:
            del self.fields["follow_up_consent"]
        if survey.is_employee_survey:
            department: Any = self.fields["department"]
            department.queryset = Department.objects.order_by("name")
        else:
            del self.fields["department"]

    def score_options(self) -> list[dict[str, Any]]:
        """Return each score with the meaning of the scale's ends, and whether it is chosen."""
        low, high, low_label, high_label = Survey.SCALES[Survey.Kind(self.survey.kind)]
        chosen = str(self["score"].value() or "")
        meanings = {low: low_label, high: high_label}
        return [
            {"value": score, "meaning": meanings.get(score, ""), "checked": str(score) == chosen}
            for score in range(low, high + 1)
        ]

    def answer(self) -> dict[str, Any]:
        """Return the cleaned answer as the services' keyword arguments."""
        data = self.cleaned_data
        answer: dict[str, Any] = {"score": data["score"], "comment": data.get("comment", "")}
        if not self.survey.is_employee_survey:
            answer["improvement_suggestion"] = data.get("improvement_suggestion", "")
            answer["follow_up_consent"] = data.get("follow_up_consent", False)
        else:
            answer["department"] = data.get("department")
        return answer
