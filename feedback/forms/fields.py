"""Choice fields and choice lists that the feedback forms share."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.forms import ListedModelChoiceField
from core.roles import staff_users
from journeys.models import Touchpoint

User = get_user_model()


def staff_choices() -> QuerySet[Any]:
    """Return the active users holding a staff role, by name (assignees and kudos recipients)."""
    return staff_users()


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


class TouchpointChoiceField(ListedModelChoiceField):
    """A touchpoint, labelled with its journey and stage."""

    def label_from_instance(self, obj: Any) -> str:
        return touchpoint_label(obj)


def refuse_touchpoint_outside_journey(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """Name the touchpoint field when a filter picks a journey and another journey's touchpoint
    (together they would match nothing, silently)."""
    journey, touchpoint = data.get("journey"), data.get("touchpoint")
    if journey and touchpoint and touchpoint.stage.journey_id != journey.pk:
        form.add_error(
            "touchpoint",
            _("This touchpoint belongs to the journey %(name)s.")
            % {"name": touchpoint.stage.journey.name},
        )


def touchpoints() -> QuerySet[Touchpoint]:
    """Return the touchpoints in journey-map order with what their labels need."""
    return Touchpoint.objects.select_related("stage__journey").order_by(
        "stage__journey__name", "stage__order", "order"
    )
