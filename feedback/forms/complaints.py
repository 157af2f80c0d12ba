"""Forms of the complaint pages: log, act on, filter the queue."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import ListedModelChoiceField
from journeys.models import Journey
from stakeholders.models import Department, Partner

from ..models import Complaint, Severity
from ..selectors import QueueFilters
from .fields import (
    TouchpointChoiceField,
    assignee_choices,
    person_label,
    touchpoints,
)

User = get_user_model()


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
    contact_email = forms.EmailField(
        label=_("Customer's e-mail"),
        required=False,
        max_length=254,  # Complaint.contact_email's
        help_text=_("To acknowledge and answer them by e-mail. Kept on this complaint only."),
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
    journey = ListedModelChoiceField(
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

    def __init__(self, *args: Any, assignees: list[Any] | None = None, **kwargs: Any) -> None:
        """Set the owner and assignee choices; `assignees`, when the caller has read them
        already, saves reading them again."""
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
            (str(user.pk), person_label(user))
            for user in (assignee_choices() if assignees is None else assignees)
        ]
        for name, field in self.fields.items():
            if name == "q":
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm", "type": "search"}
                )
            else:
                # A filter submits its form on change (static/js/behaviours.js; no inline handler).
                field.widget.attrs.update(
                    {"class": "form-select form-select-sm", "data-auto-submit": True}
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
