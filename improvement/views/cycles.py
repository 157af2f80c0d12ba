"""One cycle: creating it, its page with every phase, the Plan form and the phase moves.

Input errors come back as the page again with each error next to its field (status 400); a
refused gate comes back the same way, the refusal at the top of the form that asked for the
move, naming what is missing, with everything typed still in the form. Nothing is saved.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.roles import acting_user
from feedback.models import ImprovementIdea, Recognition
from feedback.selectors import complaints_visible_to
from metrics.charts import indicator_chart
from metrics.models import Annotation
from metrics.selectors import limit_segments_of
from metrics.series import chart_payload

from ..forms import (
    AbandonForm,
    ActionDeferForm,
    ActionForm,
    ChangeLiveForm,
    CycleForm,
    DecideForm,
    DoForm,
    PlanForm,
    RecogniseForm,
)
from ..lifecycle import CYCLE_TRANSITIONS
from ..models import PDCACycle
from ..services import actions as action_services
from ..services import cycles as services
from ..services import phases
from .common import visible_cycle

Phase = PDCACycle.Phase

# Each move of the cycle page: its form, its button and what it says once done.
MOVES: dict[str, tuple[type[forms.Form], Any, Any]] = {
    "do": (DoForm, gettext_lazy("Move to Do"), gettext_lazy("%(reference)s is in Do.")),
    "check": (
        ChangeLiveForm,
        gettext_lazy("Move to Check"),
        gettext_lazy("%(reference)s is in Check: the Check ran on the data."),
    ),
    "recheck": (
        forms.Form,
        gettext_lazy("Run the Check again"),
        gettext_lazy("The Check of %(reference)s ran again on the latest data."),
    ),
    "decide": (DecideForm, gettext_lazy("Decide"), gettext_lazy("%(reference)s is decided.")),
    "close": (forms.Form, gettext_lazy("Close"), gettext_lazy("%(reference)s is closed.")),
    "abandon": (
        AbandonForm,
        gettext_lazy("Abandon"),
        gettext_lazy("%(reference)s is abandoned and closed."),
    ),
}
# Which transition (of CYCLE_TRANSITIONS) a move takes, for showing only the moves that apply.
MOVE_TRANSITIONS = {
    "do": "do",
    "check": "check",
    "recheck": "decide",  # the Check runs again while the cycle waits in Check
    "decide": "decide",
    "close": "close",
    "abandon": "decide",
}


# Creating a cycle -------------------------------------------------------------------------------


@permission_required("improvement.run_cycles", raise_exception=True)
def cycle_create(request: HttpRequest) -> HttpResponse:
    """Open a cycle in Plan: who runs it, its scope and origin, what it came from, its Plan."""
    form = CycleForm(request.POST or None, user=request.user, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            cycle = services.cycle_create(by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(
                request,
                _("%(reference)s opened in Plan. Complete the Plan to move it to Do.")
                % {"reference": cycle.reference},
            )
            return redirect(cycle)
    return render(
        request,
        "improvement/cycle_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def cycle_from_idea(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an accepted idea into a cycle in one click."""
    idea = get_object_or_404(ImprovementIdea, pk=pk)
    with service_errors(request=request) as call:
        cycle = services.cycle_start_from_idea(idea=idea, by=acting_user(request))
    if not call.ok:
        return redirect(idea)
    messages.success(
        request,
        _("%(reference)s started from %(idea)s. Complete its Plan.")
        % {"reference": cycle.reference, "idea": idea.reference},
    )
    return redirect(cycle)


# The cycle page ---------------------------------------------------------------------------------


def _check_view(cycle: PDCACycle) -> dict[str, Any] | None:
    """Return the stored Check result with what the page words (labels, percentages)."""
    result = dict(cycle.check_result or {})
    if not result:
        return None
    unit = cycle.target_indicator.unit if cycle.target_indicator else ""
    relative = result.get("relative_change")
    return {
        **result,
        "unit": unit,
        "change_unit": _("points") if unit == "%" or result.get("measure") == "nps" else unit,
        "relative_percent": relative * 100 if relative is not None else None,
        "verdict_label": PDCACycle.Verdict(result["verdict"]).label
        if result.get("verdict") in PDCACycle.Verdict.values
        else "",
        "assurance_label": ASSURANCE_LABELS.get(result.get("assurance", ""), ""),
    }


ASSURANCE_LABELS = {
    "passes": gettext_lazy("every period will meet the target"),
    "fails": gettext_lazy("no period will meet the target"),
    "hit_and_miss": gettext_lazy("some periods will meet the target, some will not"),
    "no_target": gettext_lazy("no target set"),
}


def _chart(cycle: PDCACycle) -> dict[str, Any] | None:
    """Return the target indicator's chart with the cycle's own annotations, or None."""
    indicator = cycle.target_indicator
    if indicator is None:
        return None
    payload = chart_payload(indicator)
    if not payload["points"]:
        return {"has_points": False}
    annotations = list(
        Annotation.objects.filter(
            indicator=indicator, source_key__startswith=f"pdca:{cycle.pk}:"
        ).order_by("starts_on", "id")
    )
    return {
        "has_points": True,
        "chart": indicator_chart(
            indicator,
            payload=payload,
            annotations=annotations,
            limit_segments=list(limit_segments_of(indicator)),
        ),
        "annotations": annotations,
    }


def _outcome_words(cycle: PDCACycle) -> str:
    """Return the measured outcome in one sentence, for recognition texts."""
    summary = (cycle.check_result or {}).get("summary", "")
    first = summary.split(". ")[0].rstrip(".") if summary else ""
    return first + "." if first else ""


def _recognition(request: HttpRequest, cycle: PDCACycle, ideas: list[Any]) -> list[dict[str, Any]]:
    """Return who to recognise for an adopted cycle: the ideas' submitters and the team."""
    if cycle.outcome != PDCACycle.Outcome.ADOPT:
        return []
    given = set(Recognition.objects.filter(cycle=cycle).values_list("recipient_id", flat=True))
    outcome = _outcome_words(cycle)
    people: dict[int, dict[str, Any]] = {}
    for idea in ideas:
        person = idea.submitted_by
        if person is not None and person.is_active:
            people.setdefault(
                person.pk,
                {
                    "person": person,
                    "why": _("submitted the idea %(idea)s") % {"idea": idea.reference},
                    "behaviour": _(
                        "Your idea “%(title)s” became %(reference)s and was adopted: %(outcome)s"
                    )
                    % {"title": idea.title, "reference": cycle.reference, "outcome": outcome},
                },
            )
    for person in [cycle.owner, *cycle.team.all()]:
        if person.is_active:
            people.setdefault(
                person.pk,
                {
                    "person": person,
                    "why": _("in the team"),
                    "behaviour": _(
                        "You made %(reference)s “%(title)s” work, and it was adopted: %(outcome)s"
                    )
                    % {"title": cycle.title, "reference": cycle.reference, "outcome": outcome},
                },
            )
    return [
        {**entry, "given": pk in given, "yourself": pk == request.user.pk}
        for pk, entry in people.items()
    ]


def render_cycle(
    request: HttpRequest,
    cycle: PDCACycle,
    bound: dict[str, forms.Form] | None = None,
    missing: list[str] | None = None,
) -> HttpResponse:
    """Render a cycle's page; `bound` holds a form with errors to show again, by its key."""
    bound = bound or {}
    user = request.user
    can_run = user.has_perm("improvement.run_cycles")
    today = timezone.localdate()
    actions: list[dict[str, Any]] = [
        {
            "action": action,
            "overdue": action.is_overdue(today),
            "can_update": action_services.can_update_action(user, action),
        }
        for action in cycle.actions.all()
    ]
    complaints = list(complaints_visible_to(user).filter(cycles=cycle).select_related("touchpoint"))
    hidden_complaints = len(cycle.complaints.all()) - len(complaints)
    ideas = list(
        ImprovementIdea.objects.filter(cycles=cycle).select_related("submitted_by", "touchpoint")
    )
    moves = (
        [
            key
            for key, transition in MOVE_TRANSITIONS.items()
            if CYCLE_TRANSITIONS.allowed(cycle, transition)
            and (key != "recheck" or cycle.phase == Phase.CHECK)
        ]
        if can_run
        else []
    )
    move_forms = {key: bound.get(key) or MOVES[key][0]() for key in moves}
    if "decide" in move_forms and not bound.get("decide"):
        move_forms["decide"].offer_for(cycle.verdict)  # type: ignore[attr-defined]
    if "check" in move_forms and not bound.get("check"):
        move_forms["check"] = ChangeLiveForm(initial={"change_on": cycle.do_on})
    plan_form = bound.get("plan")
    if plan_form is None and can_run and cycle.phase != Phase.CLOSED:
        plan_form = PlanForm(initial=PlanForm.initial_of(cycle), user=user)
    action_form = bound.get("action")
    if action_form is None and can_run and cycle.phase in (Phase.PLAN, Phase.DO, Phase.CHECK):
        action_form = ActionForm(initial={"owner": cycle.owner_id})
    plan_missing = phases.plan_missing(cycle) if cycle.phase == Phase.PLAN else {}
    return render(
        request,
        "improvement/cycle_detail.html",
        {
            "cycle": cycle,
            "can_run": can_run,
            "actions": actions,
            "open_actions": sum(1 for row in actions if row["action"].is_open),
            "complaints": complaints,
            "hidden_complaints": hidden_complaints,
            "ideas": ideas,
            "follow_ups": list(cycle.follow_ups.all()),
            "check": _check_view(cycle),
            "chart": _chart(cycle),
            "plan_form": plan_form,
            "plan_missing": plan_missing,
            "refused_missing": missing or [],
            "action_form": action_form,
            "defer_form": ActionDeferForm(),
            "moves": [(key, MOVES[key][1], move_forms[key]) for key in moves],
            "open_form": next(iter(bound), ""),
            "recognise_form": bound.get("recognise"),
            "recognition": _recognition(request, cycle, ideas)
            if user.has_perm("feedback.add_recognition")
            else [],
            "history": history_panel(cycle),
        },
        status=400 if bound else 200,
    )


def cycle_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Show a cycle: Plan, Do, Check and Act, the chart, its links, recognition and history."""
    return render_cycle(request, visible_cycle(request, reference))


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def cycle_plan(request: HttpRequest, reference: str) -> HttpResponse:
    """Change a cycle's Plan and context; the baseline is computed again from the data."""
    cycle = visible_cycle(request, reference)
    form = PlanForm(request.POST, user=request.user)
    if form.is_valid():
        with service_errors(form) as call:
            services.cycle_update(cycle=cycle, by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Plan of %(reference)s saved.") % {"reference": reference})
            return redirect(cycle)
    return render_cycle(request, visible_cycle(request, reference), {"plan": form})


def _run_move(cycle: PDCACycle, move: str, by: Any, data: dict[str, Any]) -> None:
    if move == "do":
        phases.cycle_start_do(cycle=cycle, by=by, at=data.get("started_on"))
    elif move == "check":
        phases.cycle_start_check(cycle=cycle, by=by, change_on=data.get("change_on"))
    elif move == "recheck":
        phases.cycle_check_run(cycle=cycle, by=by)
    elif move == "decide":
        phases.cycle_decide(
            cycle=cycle,
            by=by,
            outcome=data["outcome"],
            reason=data["reason"],
            new_standard=data["new_standard"],
        )
    elif move == "close":
        phases.cycle_close(cycle=cycle, by=by)
    elif move == "abandon":
        phases.cycle_abandon(cycle=cycle, by=by, reason=data["abandon_reason"])


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def cycle_move(request: HttpRequest, reference: str, move: str) -> HttpResponse:
    """Take a phase move: to Do, to Check, run the Check again, decide, close or abandon."""
    if move not in MOVES:
        raise Http404
    cycle = visible_cycle(request, reference)
    form = MOVES[move][0](request.POST)
    missing: list[str] = []
    if form.is_valid():
        with service_errors(form) as call:
            _run_move(cycle, move, acting_user(request), form.cleaned_data)
        if call.ok:
            messages.success(request, MOVES[move][2] % {"reference": reference})
            return redirect(cycle)
        missing = list((getattr(call.error, "extra", None) or {}).get("missing", []))
    return render_cycle(request, visible_cycle(request, reference), {move: form}, missing)


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def cycle_recognise(request: HttpRequest, reference: str) -> HttpResponse:
    """Recognise a person for an adopted cycle's measured outcome (one click)."""
    cycle = visible_cycle(request, reference)
    form = RecogniseForm(request.POST)
    if form.is_valid():
        with service_errors(form) as call:
            services.cycle_recognise(
                cycle=cycle,
                by=acting_user(request),
                recipient=form.cleaned_data["recipient"],
                behaviour=form.cleaned_data["behaviour"],
            )
        if call.ok:
            person = form.cleaned_data["recipient"]
            messages.success(
                request,
                _("%(name)s is recognised for %(reference)s.")
                % {"name": person.get_full_name() or person.username, "reference": reference},
            )
            return redirect(cycle.get_absolute_url() + "#recognition")
    return render_cycle(request, visible_cycle(request, reference), {"recognise": form})
