"""Forms of the monthly report's pages: generating a month, the e-mail subscription, and the
management review held on a report (the record, its decisions and its actions)."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.roles import staff_users
from improvement.forms.fields import PeopleChoiceField, PersonChoiceField, date_widget

from ..models import ManagementReview, ReviewAction, ReviewDecision
from ..monthly.months import ReportMonth

User = get_user_model()


def _max_length(model: Any, name: str) -> int:
    """Return the maximum length of a model field (the form refuses what it cannot hold)."""
    return int(model._meta.get_field(name).max_length)


class GenerateForm(forms.Form):
    """The ended month a quality manager asks a report for.

    The menu offers the ended months without a published report; a month typed into the
    address (not ended, before the records) is refused next to the field by the service.
    """

    month = forms.CharField(label=_("Month"), widget=forms.Select)

    def __init__(self, *args: Any, months: list[ReportMonth], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_generate_%s")
        super().__init__(*args, **kwargs)
        widget: Any = self.fields["month"].widget
        widget.choices = [(month.slug, month.label) for month in months]
        if months:
            self.fields["month"].initial = months[0].slug

    def clean_month(self) -> ReportMonth:
        text = self.cleaned_data["month"]
        try:
            return ReportMonth.parse(text)
        except ValueError:
            raise ValidationError(
                _("Choose a month from the list (written as year-month, e.g. 2026-11).")
            ) from None


class SubscriptionForm(forms.Form):
    """Receiving each published report by e-mail, or no longer."""

    subscribed = forms.BooleanField(label=_("E-mail me each report"), required=False)


class ReviewForm(forms.Form):
    """The record of a management review: when it was held, who attended, the minutes."""

    held_on = forms.DateField(label=_("Held on"), widget=date_widget())
    attendees = PeopleChoiceField(
        label=_("Attendees"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several people."),
    )
    guests = forms.CharField(
        label=_("Other attendees"),
        required=False,
        max_length=_max_length(ManagementReview, "guests"),
        help_text=_("People without an account here, e.g. an external auditor."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=_max_length(ManagementReview, "minutes"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_review_%s")
        super().__init__(*args, **kwargs)
        attendees: Any = self.fields["attendees"]
        attendees.queryset = staff_users()
        attendees.widget.attrs["size"] = 8

    @classmethod
    def initial_of(cls, review: ManagementReview) -> dict[str, Any]:
        """Return a recorded review as the form's initial values, for correcting it."""
        return {
            "held_on": review.held_on,
            "attendees": [person.pk for person in review.attendees.all()],
            "guests": review.guests,
            "minutes": review.minutes,
        }


class DecisionForm(forms.Form):
    """A decision of the review (an improvement, a change to the system, resources)."""

    text = forms.CharField(
        label=_("New decision"),
        max_length=_max_length(ReviewDecision, "text"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_decision_%s")
        super().__init__(*args, **kwargs)


class DecisionChoiceField(forms.ModelChoiceField):
    """A decision of the review, by its first words."""

    def label_from_instance(self, obj: Any) -> str:
        return Truncator(obj.text).chars(80)


class ReviewActionForm(forms.Form):
    """An action of the review: what, who owns it, by when, and the decision it carries out."""

    title = forms.CharField(label=_("Action"), max_length=_max_length(ReviewAction, "title"))
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=date_widget())
    decision = DecisionChoiceField(
        label=_("Carries out the decision"),
        queryset=ReviewDecision.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )

    def __init__(self, *args: Any, review: ManagementReview, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = staff_users()
        decision: Any = self.fields["decision"]
        decision.queryset = review.decisions.all()
