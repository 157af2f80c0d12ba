"""Journey pages: the list, the journey map with in-place editing (htmx), touchpoint details.

Editing follows one pattern: a button loads a form into the map's editor panel (`#editor`); the
form posts back there; a valid post empties the panel and swaps in the updated map out of band,
an invalid one shows the form again with each error next to its field. Nothing is saved unless
the whole change is valid.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import delete_refusal, history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from . import selectors, services
from .forms import (
    FailurePointForm,
    HandoffForm,
    JourneyForm,
    ObjectiveForm,
    StageForm,
    TouchpointForm,
)
from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint

can_edit = permission_required("journeys.change_journey", raise_exception=True)


@permission_required("journeys.view_journey", raise_exception=True)
def journey_list(request: HttpRequest) -> HttpResponse:
    """List journeys with their size, cross-owner handoffs and highest risk."""
    journeys = selectors.journey_list()
    status = request.GET.get("status", "")
    if status in Journey.Status.values:
        journeys = journeys.filter(status=status)
    page = page_of(request, journeys.order_by("name"))
    return render(
        request,
        "journeys/journey_list.html",
        {"page_obj": page, "status": status, "statuses": Journey.Status.choices},
    )


@permission_required("journeys.add_journey", raise_exception=True)
def journey_create(request: HttpRequest) -> HttpResponse:
    """Create a journey, then open its map to build it."""
    form = JourneyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            journey = services.journey_create(**form.cleaned_data)
        if call.ok:
            messages.success(request, _("Journey created: add its stages and touchpoints."))
            return redirect(journey)
    return render(request, "journeys/journey_form.html", {"form": form})


@can_edit
def journey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a journey's name, segment, owner, status or value statement."""
    journey = get_object_or_404(Journey, pk=pk)
    form = JourneyForm(request.POST or None, instance=journey)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            services.journey_update(journey=journey, **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Journey saved."))
            return redirect(journey)
    return render(request, "journeys/journey_form.html", {"form": form, "journey": journey})


@permission_required("journeys.view_journey", raise_exception=True)
def journey_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the journey map: stages as columns, one lane per owner, handoffs and risks."""
    journey = get_object_or_404(Journey.objects.select_related("segment", "owner"), pk=pk)
    return render(
        request,
        "journeys/journey_map.html",
        {
            "map": selectors.journey_map(journey),
            "journey": journey,
            "history": history_panel(journey),
            "can_edit": request.user.has_perm("journeys.change_journey"),
        },
    )


@permission_required("journeys.view_touchpoint", raise_exception=True)
def touchpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a touchpoint: owner, standard, failure points, handoffs, objectives, history."""
    touchpoint = get_object_or_404(
        Touchpoint.objects.select_related(
            "stage__journey", "owner_department", "owner_partner"
        ).prefetch_related("failure_points", "objectives"),
        pk=pk,
    )
    return render(
        request,
        "journeys/touchpoint_detail.html",
        {
            "touchpoint": touchpoint,
            "handoffs": selectors.touchpoint_handoffs(touchpoint),
            "history": history_panel(touchpoint),
        },
    )


# The map's editor --------------------------------------------------------------------------------


def _map_updated(
    request: HttpRequest, journey: Journey, notice: str = "", refusal: str = ""
) -> HttpResponse:
    """Empty the editor and swap in the updated map (out of band), saying what happened."""
    return render(
        request,
        "journeys/partials/map_updated.html",
        {
            "map": selectors.journey_map(journey),
            "journey": journey,
            "can_edit": True,
            "notice": notice,
            "refusal": refusal,
        },
    )


def _editor(
    request: HttpRequest,
    *,
    journey: Journey,
    form: Any,
    title: str,
    action: str,
    save: Callable[[], Any],
    notice: str,
) -> HttpResponse:
    """Show a form in the editor panel; on a valid post, save through the service."""
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            save()
        if call.ok:
            return _map_updated(request, journey, notice)
    return render(
        request,
        "journeys/partials/editor_form.html",
        {"form": form, "title": title, "action": action, "journey": journey},
    )


@can_edit
def stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a stage at the end of the journey."""
    journey = get_object_or_404(Journey, pk=pk)
    form = StageForm(request.POST or None)
    return _editor(
        request,
        journey=journey,
        form=form,
        title=_("Add a stage"),
        action=reverse("journeys:stage-add", args=[pk]),
        save=lambda: services.stage_add(journey=journey, name=form.cleaned_data["name"]),
        notice=_("Stage added."),
    )


@can_edit
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a stage."""
    stage = get_object_or_404(Stage.objects.select_related("journey"), pk=pk)
    form = StageForm(request.POST or None, initial={"name": stage.name})
    return _editor(
        request,
        journey=stage.journey,
        form=form,
        title=_("Rename the stage"),
        action=reverse("journeys:stage-edit", args=[pk]),
        save=lambda: services.stage_update(stage=stage, name=form.cleaned_data["name"]),
        notice=_("Stage renamed."),
    )


@can_edit
@require_POST
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a stage one place left or right."""
    stage = get_object_or_404(Stage.objects.select_related("journey"), pk=pk)
    step = -1 if request.POST.get("direction") == "left" else 1
    count = stage.journey.stages.count()
    services.stage_move(stage=stage, position=min(max(stage.order + step, 1), count))
    return _map_updated(request, stage.journey, _("Stage moved."))


@can_edit
@require_POST
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a stage with its touchpoints."""
    stage = get_object_or_404(Stage.objects.select_related("journey"), pk=pk)
    refusal = delete_refusal(instance=stage, by=acting_user(request))
    if refusal:
        return _map_updated(request, stage.journey, refusal=refusal)
    services.stage_delete(stage=stage, by=acting_user(request))
    return _map_updated(request, stage.journey, _("Stage deleted."))


@can_edit
def touchpoint_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a touchpoint to a stage of the journey, with its one owner."""
    journey = get_object_or_404(Journey, pk=pk)
    initial = {"stage": request.GET.get("stage")} if request.GET.get("stage") else None
    form = TouchpointForm(request.POST or None, journey=journey, initial=initial)
    return _editor(
        request,
        journey=journey,
        form=form,
        title=_("Add a touchpoint"),
        action=reverse("journeys:touchpoint-add", args=[pk]),
        save=lambda: services.touchpoint_add(**form.service_fields()),
        notice=_("Touchpoint added."),
    )


@can_edit
def touchpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a touchpoint: name, stage, channel, owner, standard, CTQ requirement."""
    touchpoint = get_object_or_404(Touchpoint.objects.select_related("stage__journey"), pk=pk)
    journey = touchpoint.stage.journey
    form = TouchpointForm(
        request.POST or None, journey=journey, initial=TouchpointForm.initial_for(touchpoint)
    )
    return _editor(
        request,
        journey=journey,
        form=form,
        title=_("Edit the touchpoint"),
        action=reverse("journeys:touchpoint-edit", args=[pk]),
        save=lambda: services.touchpoint_update(touchpoint=touchpoint, **form.service_fields()),
        notice=_("Touchpoint saved.") + _owner_notice(form),
    )


def _owner_notice(form: TouchpointForm) -> str:
    """Say where the numbers of a touchpoint handed to another owner follow."""
    if not form.is_bound or "owner" not in form.changed_data:
        return ""
    return " " + _(
        "Answers, audits and ideas recorded at it now count for its new owner (complaints keep "
        "the owner they were logged with); the indicators follow at the next recompute (each "
        "night, or start one on the Recompute runs page of Indicators)."
    )


@can_edit
@require_POST
def touchpoint_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a touchpoint one place earlier or later within its stage."""
    touchpoint = get_object_or_404(Touchpoint.objects.select_related("stage__journey"), pk=pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    count = touchpoint.stage.touchpoints.count()
    position = min(max(touchpoint.order + step, 1), count)
    services.touchpoint_move(touchpoint=touchpoint, position=position)
    return _map_updated(request, touchpoint.stage.journey, _("Touchpoint moved."))


@can_edit
@require_POST
def touchpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a touchpoint with its handoffs and failure points."""
    touchpoint = get_object_or_404(Touchpoint.objects.select_related("stage__journey"), pk=pk)
    journey = touchpoint.stage.journey
    refusal = delete_refusal(instance=touchpoint, by=acting_user(request))
    if refusal:
        return _map_updated(request, journey, refusal=refusal)
    services.touchpoint_delete(touchpoint=touchpoint, by=acting_user(request))
    return _map_updated(request, journey, _("Touchpoint deleted."))


@can_edit
def handoff_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a handoff between two touchpoints of the journey."""
    journey = get_object_or_404(Journey, pk=pk)
    form = HandoffForm(request.POST or None, journey=journey)
    return _editor(
        request,
        journey=journey,
        form=form,
        title=_("Add a handoff"),
        action=reverse("journeys:handoff-add", args=[pk]),
        save=lambda: services.handoff_add(**form.cleaned_data),
        notice=_("Handoff added."),
    )


@can_edit
@require_POST
def handoff_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a handoff."""
    handoff = get_object_or_404(Handoff.objects.select_related("from_touchpoint__stage"), pk=pk)
    journey = Journey.objects.get(pk=handoff.from_touchpoint.stage.journey_id)
    services.handoff_delete(handoff=handoff)
    return _map_updated(request, journey, _("Handoff deleted."))


@can_edit
def failure_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a failure mode of a touchpoint with its FMEA ratings."""
    touchpoint = get_object_or_404(Touchpoint.objects.select_related("stage__journey"), pk=pk)
    form = FailurePointForm(request.POST or None)
    return _editor(
        request,
        journey=touchpoint.stage.journey,
        form=form,
        title=_("Add a failure point to %(touchpoint)s") % {"touchpoint": touchpoint.name},
        action=reverse("journeys:failure-point-add", args=[pk]),
        save=lambda: services.failure_point_add(touchpoint=touchpoint, **form.cleaned_data),
        notice=_("Failure point added."),
    )


@can_edit
@require_POST
def failure_point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a failure point."""
    point = get_object_or_404(FailurePoint.objects.select_related("touchpoint__stage"), pk=pk)
    journey = Journey.objects.get(pk=point.touchpoint.stage.journey_id)
    services.failure_point_delete(failure_point=point)
    return _map_updated(request, journey, _("Failure point deleted."))


@can_edit
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a quality objective at the journey or one of its touchpoints."""
    journey = get_object_or_404(Journey, pk=pk)
    form = ObjectiveForm(request.POST or None, journey=journey)

    def save() -> None:
        fields = dict(form.cleaned_data)
        if fields.get("touchpoint") is None:
            fields["journey"] = journey
        services.objective_create(**fields)

    return _editor(
        request,
        journey=journey,
        form=form,
        title=_("Add a quality objective"),
        action=reverse("journeys:objective-add", args=[pk]),
        save=save,
        notice=_("Quality objective added."),
    )


def _objective(pk: int) -> QualityObjective:
    return get_object_or_404(
        QualityObjective.objects.select_related("journey", "touchpoint__stage__journey", "owner"),
        pk=pk,
    )


@permission_required("journeys.view_qualityobjective", raise_exception=True)
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a quality objective with its target, scope and change history."""
    objective = _objective(pk)
    return render(
        request,
        "journeys/objective_detail.html",
        {
            "objective": objective,
            "journey": objective.journey or objective.touchpoint.stage.journey,  # type: ignore[union-attr]
            "history": history_panel(objective),
        },
    )


@can_edit
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a quality objective (its history keeps the previous targets)."""
    objective = _objective(pk)
    journey = objective.journey or objective.touchpoint.stage.journey  # type: ignore[union-attr]
    form = ObjectiveForm(request.POST or None, instance=objective, journey=journey)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["journey"] = None if fields.get("touchpoint") else journey
        with service_errors(form) as call:
            services.objective_update(objective=objective, **fields)
        if call.ok:
            messages.success(request, _("Quality objective saved."))
            return redirect("journeys:objective-detail", pk=objective.pk)
    return render(
        request,
        "journeys/objective_form.html",
        {"form": form, "objective": objective, "journey": journey},
    )
