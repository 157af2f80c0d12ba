"""Forms of the feedback pages; every save goes through feedback.services."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from journeys.models import Journey, Touchpoint
from stakeholders.models import Department, Partner

from .models import Complaint, ImprovementIdea, Severity, SeverityPolicy
from .selectors import QueueFilters

User = get_user_model()


def staff_choices() -> QuerySet[Any]:
    """Return the active users holding a role, by name (assignees and kudos recipients)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[role.value for role in Role])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assignee_choices() -> QuerySet[Any]:
    """Return the people who handle complaints (they hold the permission to log them)."""
    handlers = Q(groups__permissions__codename="add_complaint") | Q(is_superuser=True)
    return staff_choices().filter(handlers).distinct()


def person_label(user: Any) -> str:
    """Return how a person is shown in choice lists."""
    return user.get_full_name() or user.get_username()


def touchpoint_label(touchpoint: Touchpoint) -> str:
    """Return "Journey · Stage · Touchpoint" (needs stage__journey selected)."""
    return f"{touchpoint.stage.journey.name} · {touchpoint.stage.name} · {touchpoint.name}"


class TouchpointChoiceField(forms.ModelChoiceField):
    """A touchpoint, labelled with its journey and stage."""

    def label_from_instance(self, obj: Any) -> str:
        return touchpoint_label(obj)


def touchpoints() -> QuerySet[Touchpoint]:
    """Return the touchpoints in journey-map order with what their labels need."""
    return Touchpoint.objects.select_related("stage__journey").order_by(
        "stage__journey__name", "stage__order", "order"
    )


# Complaints -------------------------------------------------------------------------------------


class ComplaintLogForm(forms.Form):
    """What frontline staff type when a customer complains (mobile first, under 30 seconds)."""

    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        max_length=5000,
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        coerce=int,
        initial=Severity.MEDIUM,
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Complaint.Channel.choices, initial=Complaint.Channel.PHONE
    )
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        queryset=Journey.objects.order_by("name"),
        required=False,
        empty_label=_("Don't know"),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=touchpoints(),
        required=False,
        empty_label=_("Don't know"),
    )
    remedy_requested = forms.CharField(
        label=_("What does the customer ask for?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    customer_reference = forms.CharField(
        label=_("Customer reference"), required=False, max_length=80
    )
    resolved_at_first_contact = forms.BooleanField(
        label=_("I resolved it with the customer right away"), required=False
    )
    decision = forms.CharField(
        label=_("What was agreed with the customer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class NoteForm(forms.Form):
    """An optional note for a life-cycle step."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class RootCauseForm(forms.Form):
    """The root cause found during investigation."""

    SERVICE_FIELDS = {"root_cause_category": "category", "root_cause": "text"}

    # Starts empty: a preselected category would be recorded by anyone who only types the text.
    category = forms.ChoiceField(
        label=_("Root cause category (6M)"),
        choices=[("", _("— choose —")), *Complaint.RootCause.choices],
        error_messages={"required": _("Choose the root cause category.")},
    )
    text = forms.CharField(
        label=_("What caused it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class RespondForm(forms.Form):
    """The decision communicated to the customer."""

    decision = forms.CharField(
        label=_("Decision communicated to the customer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class CloseForm(forms.Form):
    """Whether the customer accepted the response, and how satisfied they are."""

    SERVICE_FIELDS = {"customer_satisfaction": "satisfaction", "email": "send_csat_to"}

    customer_accepted = forms.TypedChoiceField(
        label=_("Did the customer accept the response?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Customer satisfaction (optional)"),
        choices=[("", _("Not asked"))] + [(str(score), str(score)) for score in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    send_csat_to = forms.EmailField(
        label=_("E-mail the customer a satisfaction survey (optional)"),
        help_text=_("Their address is kept on the survey invitation only."),
        required=False,
        max_length=254,  # SurveyInvitation.email's
    )


class ReopenForm(forms.Form):
    """Why a complaint is reopened."""

    reason = forms.CharField(
        label=_("Why reopen?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class AssignForm(forms.Form):
    """Who handles the complaint."""

    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = assignee_choices()
        field.label_from_instance = person_label


class CommentForm(forms.Form):
    """A comment on the timeline."""

    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "acknowledge": NoteForm,
    "investigate": NoteForm,
    "root_cause": RootCauseForm,
    "respond": RespondForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "assign": AssignForm,
    "escalate": NoteForm,
    "comment": CommentForm,
}


class QueueFilterForm(forms.Form):
    """The complaint queue's filters."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Open")), *list(Complaint.Status.choices)],
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any severity")), *list(Severity.choices)],
    )
    sla = forms.ChoiceField(
        label=_("SLA"),
        required=False,
        choices=[
            ("", _("Any")),
            ("overdue", _("Overdue")),
            ("at_risk", _("At risk")),
            ("escalated", _("Escalated")),
        ],
    )
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
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field: Any = self.fields["owner"]
        owner_field.choices = [
            ("", _("Any owner")),
            (
                _("Departments"),
                [(f"department:{d.pk}", d.name) for d in Department.objects.order_by("name")],
            ),
            (
                _("Partners"),
                [(f"partner:{p.pk}", p.name) for p in Partner.objects.order_by("name")],
            ),
        ]
        assignee_field: Any = self.fields["assignee"]
        assignee_field.choices = [("", _("Anyone")), ("none", _("Unassigned"))] + [
            (str(user.pk), person_label(user)) for user in assignee_choices()
        ]
        for name, field in self.fields.items():
            if name == "q":
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm", "type": "search"}
                )
            else:
                field.widget.attrs.update(
                    {"class": "form-select form-select-sm", "onchange": "this.form.submit()"}
                )

    def filters(self) -> QueueFilters:
        """Return the valid filters (invalid ones are ignored, as a list page should)."""
        data = self.cleaned_data if self.is_valid() else {}
        journey = data.get("journey")
        touchpoint = data.get("touchpoint")
        return QueueFilters(
            status=data.get("status") or "",
            severity=data.get("severity"),
            journey=journey.pk if journey else None,
            touchpoint=touchpoint.pk if touchpoint else None,
            owner=data.get("owner") or "",
            assignee=data.get("assignee") or "",
            sla=data.get("sla") or "",
            search=data.get("q") or "",
        )


class SeverityPolicyForm(forms.ModelForm):
    """The SLA targets of one severity."""

    class Meta:
        model = SeverityPolicy
        fields = ["acknowledge_within_hours", "resolve_within_days", "working_days_only"]


class FrontlineLimitForm(forms.Form):
    """Up to which severity frontline staff resolve their own complaints."""

    highest_severity = forms.TypedChoiceField(
        label=_("Frontline staff may resolve complaints up to"),
        widget=forms.Select(attrs={"class": "form-select"}),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            ("", _("None: quality managers resolve every complaint")),
            *list(Severity.choices),
        ],
    )


# Ideas and recognition --------------------------------------------------------------------------


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
