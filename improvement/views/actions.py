"""A cycle's actions: planning one, ticking it off (htmx), deferring, reopening; My actions."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import selectors
from ..forms import ActionDeferForm, ActionDoneForm, ActionForm
from ..models import OPEN_ACTION, CycleAction
from ..services import actions as services
from .common import back_to, is_htmx, visible_cycle
from .cycles import render_cycle

MY_ACTIONS_PAGE = 20  # actions a phone screen shows before "Next"


@permission_required("improvement.run_cycles", raise_exception=True)
@require_POST
def action_add(request: HttpRequest, reference: str) -> HttpResponse:
    """Plan an action of the cycle (a containment action may come before the analysis)."""
    cycle = visible_cycle(request, reference)
    form = ActionForm(request.POST)
    if form.is_valid():
        with service_errors(form) as call:
            services.action_add(cycle=cycle, by=acting_user(request), **form.arguments())
        if call.ok:
            messages.success(
                request,
                _("Action added to %(reference)s.") % {"reference": cycle.reference},
            )
            return redirect(cycle.get_absolute_url() + "#actions")
    return render_cycle(request, visible_cycle(request, reference), {"action": form})


def _action(request: HttpRequest, pk: int) -> CycleAction:
    if not request.user.has_perm("improvement.view_cycleaction"):
        raise PermissionDenied
    try:
        action = selectors.actions_visible_to(request.user).get(pk=pk)
    except CycleAction.DoesNotExist:
        raise Http404(_("No such action.")) from None
    if not services.can_update_action(request.user, action):
        raise PermissionDenied(_("Only the action's owner or a quality manager updates it."))
    return action


def _answer(
    request: HttpRequest, pk: int, call: Any, done: str, form: forms.Form | None = None
) -> HttpResponse:
    """Answer an action's update: htmx gets the action again (with any refusal), else a redirect.

    `layout` says where the action is shown: "mine" on My actions, the cycle page otherwise.
    """
    action = selectors.actions_visible_to(request.user).get(pk=pk)
    if is_htmx(request):
        mine = request.POST.get("layout") == "mine"
        return render(
            request,
            "improvement/partials/my_action.html" if mine else "improvement/partials/action.html",
            {
                "row": {
                    "action": action,
                    "overdue": action.is_overdue(timezone.localdate()),
                    "can_update": True,
                },
                "cycle": action.cycle,
                "refusal": "" if call.ok else call.message,
                "defer_form": form if form is not None and form.errors else ActionDeferForm(),
                "next": request.POST.get("next", ""),
                # The cycle page's Do heading counts the open actions: it is redrawn with it.
                "open_after_update": None
                if mine
                else action.cycle.actions.filter(OPEN_ACTION).count(),
            },
        )
    if call.ok:
        messages.success(request, done % {"title": action.title})
    elif form is None or not form.errors:
        messages.error(request, call.message)
    else:
        messages.error(
            request, " ".join(str(error) for errors in form.errors.values() for error in errors)
        )
    return redirect(back_to(request, action.cycle.get_absolute_url() + "#actions"))


class _Outcome:
    """What became of an update that a form refused before any service ran."""

    ok = False

    def __init__(self, message: str) -> None:
        self.message = message


@permission_required("improvement.view_cycleaction", raise_exception=True)
@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an action off (its owner or a quality manager), with an optional note."""
    action = _action(request, pk)
    form = ActionDoneForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, _Outcome(_("Check the note.")), "", form)
    with service_errors() as call:
        services.action_complete(
            action=action, by=acting_user(request), note=form.cleaned_data["note"]
        )
    return _answer(request, pk, call, _("“%(title)s” is done."))


@permission_required("improvement.view_cycleaction", raise_exception=True)
@require_POST
def action_defer(request: HttpRequest, pk: int) -> HttpResponse:
    """Defer an open action with the reason (it no longer holds the cycle in Do)."""
    action = _action(request, pk)
    form = ActionDeferForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, _Outcome(_("Say why the action is deferred.")), "", form)
    with service_errors(form) as call:
        services.action_defer(
            action=action, by=acting_user(request), reason=form.cleaned_data["reason"]
        )
    return _answer(request, pk, call, _("“%(title)s” is deferred."), form)


@permission_required("improvement.view_cycleaction", raise_exception=True)
@require_POST
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Untick an action ticked off by mistake, or take a deferred one up again."""
    action = _action(request, pk)
    with service_errors() as call:
        services.action_reopen(action=action, by=acting_user(request))
    return _answer(request, pk, call, _("“%(title)s” is open again."))


@permission_required("improvement.view_cycleaction", raise_exception=True)
def my_actions(request: HttpRequest) -> HttpResponse:
    """List the open actions one owns in running cycles, soonest due first (phone friendly)."""
    rows = selectors.my_open_actions(request.user)
    page_obj = page_of(request, rows, MY_ACTIONS_PAGE)
    today = timezone.localdate()
    return render(
        request,
        "improvement/my_actions.html",
        {
            "page_obj": page_obj,
            "rows": [
                {"action": action, "overdue": action.is_overdue(today), "can_update": True}
                for action in page_obj
            ],
            "defer_form": ActionDeferForm(),
        },
    )
