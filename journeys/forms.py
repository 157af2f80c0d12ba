"""Forms of the journey pages; every form's save goes through journeys.services."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.roles import staff_users
from core.validation import LONG_TEXT
from stakeholders.models import Department, Partner

from .models import FailurePoint, Journey, QualityObjective, Stage, Touchpoint

User = get_user_model()


class JourneyForm(forms.ModelForm):
    """Name, segment, owner, value statement and status of a journey."""

    class Meta:
        model = Journey
        fields = ["name", "segment", "owner", "status", "value_statement"]
        widgets = {"value_statement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = staff_users()
        owner_field.label_from_instance = lambda user: user.get_full_name() or user.username


class StageForm(forms.Form):
    """A stage's name."""

    name = forms.CharField(label=_("Stage name"), max_length=120)


def owner_choices() -> list[tuple[Any, Any]]:
    """Return the owner choices grouped as departments and partners ("department:3")."""
    departments = [(f"department:{d.pk}", d.name) for d in Department.objects.order_by("name")]
    partners = [
        (f"partner:{p.pk}", p.name)
        for p in Partner.objects.exclude(status=Partner.Status.ENDED).order_by("name")
    ]
    return [
        ("", _("— choose the owner —")),
        (_("Departments"), departments),
        (_("Partners"), partners),
    ]


def parse_owner(value: str) -> dict[str, Any]:
    """Turn an owner choice into the touchpoint's two owner fields (one set, one empty)."""
    kind, _separator, pk = value.partition(":")
    department = Department.objects.filter(pk=pk).first() if kind == "department" else None
    partner = Partner.objects.filter(pk=pk).first() if kind == "partner" else None
    return {"owner_department": department, "owner_partner": partner}


class TouchpointForm(forms.Form):
    """A touchpoint: where it sits, its channel, its one owner, its standard and CTQ."""

    name = forms.CharField(label=_("Touchpoint"), max_length=120)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Touchpoint.Channel.choices)
    owner = forms.ChoiceField(
        label=_("Owner"),
        required=False,  # the service explains that exactly one owner is needed
        help_text=_("The one department or partner accountable for this touchpoint."),
    )
    service_standard = forms.CharField(
        label=_("Service standard"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ctq_requirement = forms.CharField(
        label=_("Critical-to-quality requirement"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, journey: Journey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage_field: Any = self.fields["stage"]
        stage_field.queryset = journey.stages.order_by("order")
        stage_field.label_from_instance = lambda stage: f"{stage.order}. {stage.name}"
        owner_field: Any = self.fields["owner"]
        owner_field.choices = owner_choices()

    @staticmethod
    def initial_for(touchpoint: Touchpoint) -> dict[str, Any]:
        """Return the form's initial values for an existing touchpoint."""
        return {
            "name": touchpoint.name,
            "stage": touchpoint.stage_id,
            "channel": touchpoint.channel,
            "owner": touchpoint.owner_key,
            "service_standard": touchpoint.service_standard,
            "ctq_requirement": touchpoint.ctq_requirement,
        }

    def service_fields(self) -> dict[str, Any]:
        """Return the cleaned data as the touchpoint services take it."""
        data = dict(self.cleaned_data)
        return {**{k: v for k, v in data.items() if k != "owner"}, **parse_owner(data["owner"])}


def touchpoint_label(touchpoint: Touchpoint) -> str:
    """Return "Stage · Touchpoint (Owner)" for pickers."""
    return f"{touchpoint.stage.name} · {touchpoint.name} ({touchpoint.owner})"


class HandoffForm(forms.Form):
    """A handoff between two touchpoints of the journey."""

    from_touchpoint = forms.ModelChoiceField(label=_("From"), queryset=Touchpoint.objects.none())
    to_touchpoint = forms.ModelChoiceField(label=_("To"), queryset=Touchpoint.objects.none())
    description = forms.CharField(label=_("What is handed over"), max_length=200, required=False)

    def __init__(self, *args: Any, journey: Journey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        touchpoints = Touchpoint.objects.filter(stage__journey=journey).select_related(
            "stage", "owner_department", "owner_partner"
        )
        for name in ("from_touchpoint", "to_touchpoint"):
            field: Any = self.fields[name]
            field.queryset = touchpoints.order_by("stage__order", "order")
            field.label_from_instance = touchpoint_label


class FailurePointForm(forms.ModelForm):
    """A failure mode of a touchpoint with its FMEA ratings."""

    class Meta:
        model = FailurePoint
        fields = ["description", "severity", "occurrence", "detection", "variability_source"]


class ObjectiveForm(forms.ModelForm):
    """A quality objective at the journey or one of its touchpoints."""

    class Meta:
        model = QualityObjective
        fields = [
            "statement",
            "touchpoint",
            "customer_requirement",
            "direction",
            "target_value",
            "unit",
            "due_date",
            "owner",
            "is_active",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "customer_requirement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, journey: Journey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        touchpoint_field: Any = self.fields["touchpoint"]
        touchpoint_field.queryset = Touchpoint.objects.filter(
            stage__journey=journey
        ).select_related("stage", "owner_department", "owner_partner")
        touchpoint_field.label_from_instance = touchpoint_label
        touchpoint_field.empty_label = _("The whole journey")
        touchpoint_field.required = False
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = staff_users()
        owner_field.label_from_instance = lambda user: user.get_full_name() or user.username
