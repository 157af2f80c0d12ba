"""Idea pages: the list, submitting one, one idea with its decisions, and support."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from .. import lifecycle, selectors, services
from ..forms import IdeaDecisionForm, IdeaFilterForm, IdeaForm
from ..models import ImprovementIdea


@permission_required("feedback.view_improvementidea", raise_exception=True)
def idea_list(request: HttpRequest) -> HttpResponse:
    """List ideas with their support, filtered by status and touchpoint."""
    form = IdeaFilterForm(request.GET or None)
    ideas = selectors.idea_list(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("status"):
        ideas = ideas.filter(status=data["status"])
    if data.get("touchpoint"):
        ideas = ideas.filter(touchpoint=data["touchpoint"])
    if data.get("sort") == "support":
        ideas = ideas.order_by("-vote_count", "-submitted_at", "-id")
    else:
        ideas = ideas.order_by("-submitted_at", "-id")
    counts = dict(
        ImprovementIdea.objects.values_list("status").annotate(count=Count("id")).order_by()
    )
    return render(
        request,
        "feedback/ideas/idea_list.html",
        {
            "form": form,
            "page_obj": page_of(request, ideas),
            "status_counts": [
                (value, label, counts.get(value, 0))
                for value, label in ImprovementIdea.Status.choices
            ],
        },
    )


@permission_required("feedback.add_improvementidea", raise_exception=True)
def idea_create(request: HttpRequest) -> HttpResponse:
    """Submit an improvement idea."""
    form = IdeaForm(request.POST or None, initial={"touchpoint": request.GET.get("touchpoint")})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            idea = services.idea_submit(submitted_by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(
                request,
                _("Idea %(reference)s submitted. You can follow it in My submissions.")
                % {"reference": idea.reference},
            )
            return redirect(idea)
    return render(request, "feedback/ideas/idea_form.html", {"form": form})


def _idea(request: HttpRequest, pk: int) -> ImprovementIdea:
    if not request.user.has_perm("feedback.view_improvementidea"):
        raise PermissionDenied
    return get_object_or_404(selectors.idea_list(request.user), pk=pk)


IDEA_ACTIONS = {
    "review": gettext_lazy("Take into review"),
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "implement": gettext_lazy("Mark implemented"),
}


def _render_idea(
    request: HttpRequest, idea: ImprovementIdea, form: IdeaDecisionForm | None = None
) -> HttpResponse:
    can_review = request.user.has_perm("feedback.review_ideas")
    actions = [
        (action, label)
        for action, label in IDEA_ACTIONS.items()
        if can_review and lifecycle.IDEA_TRANSITIONS.allowed(idea, action)
    ]
    return render(
        request,
        "feedback/ideas/idea_detail.html",
        {
            "idea": idea,
            "timeline": selectors.idea_timeline(idea),
            "actions": actions,
            "decision_form": form or IdeaDecisionForm(),
            "history": history_panel(idea),
            "can_vote": idea.submitted_by_id != request.user.pk
            and idea.status in services.VOTABLE_IDEA_STATUSES
            and request.user.has_perm("feedback.add_ideavote"),
        },
        status=400 if form is not None else 200,
    )


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an idea: problem, proposal, support, decision and timeline."""
    return _render_idea(request, _idea(request, pk))


@permission_required("feedback.review_ideas", raise_exception=True)
@require_POST
def idea_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Review, accept, decline (with a reason) or mark an idea implemented."""
    if action not in IDEA_ACTIONS:
        raise Http404
    idea = _idea(request, pk)
    form = IdeaDecisionForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        with service_errors(form, request=request) as call:
            if action == "review":
                services.idea_review(idea=idea, by=acting_user(request))
            elif action == "accept":
                services.idea_accept(idea=idea, by=acting_user(request), reason=reason)
            elif action == "decline":
                services.idea_decline(idea=idea, by=acting_user(request), reason=reason)
            else:
                services.idea_implement(idea=idea, by=acting_user(request), note=reason)
        if call.ok:
            messages.success(
                request,
                _("%(reference)s is now %(status)s.")
                % {"reference": idea.reference, "status": idea.get_status_display().lower()},
            )
        if call.ok or call.refused:
            return redirect(idea)
    return _render_idea(request, idea, form)


@permission_required("feedback.add_ideavote", raise_exception=True)
@require_POST
def idea_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Support an idea, or withdraw one's support (htmx swaps the button; plain posts redirect)."""
    idea = _idea(request, pk)
    with service_errors() as call:
        if idea.supported:  # type: ignore[attr-defined]
            services.idea_unvote(idea=idea, voter=acting_user(request))
        else:
            services.idea_vote(idea=idea, voter=acting_user(request))
    if not call.ok:
        if request.headers.get("HX-Request"):
            return HttpResponse(call.message, status=400)
        messages.error(request, call.message)
        return redirect(request.POST.get("next") or idea.get_absolute_url())
    idea = _idea(request, pk)
    if request.headers.get("HX-Request"):
        return render(
            request, "feedback/ideas/partials/vote_button.html", {"idea": idea, "can_vote": True}
        )
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/") else idea.get_absolute_url())
