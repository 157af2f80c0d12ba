"""Idea pages: the list and its search, submitting one, one idea with its decisions and its
conversation, support, and putting it on the public roadmap."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
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
from ..forms import (
    IdeaCommentForm,
    IdeaDecisionForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaRoadmapForm,
)
from ..models import ImprovementIdea

# Comments an idea's page shows at once, the newest; earlier ones are a link away, so that the
# form stays near the top of a phone's screen however long the conversation grows.
COMMENTS_SHOWN = 10


@permission_required("feedback.view_improvementidea", raise_exception=True)
def idea_list(request: HttpRequest) -> HttpResponse:
    """List ideas with their support, searched and filtered by status and touchpoint."""
    form = IdeaFilterForm(request.GET or None)
    form.is_valid()
    # The valid filters apply; an invalid one is ignored (a list page never refuses to list).
    data = getattr(form, "cleaned_data", {})
    search = data.get("q") or ""
    ideas = selectors.idea_list(request.user, search=search)
    if data.get("status"):
        ideas = ideas.filter(status=data["status"])
    if data.get("touchpoint"):
        ideas = ideas.filter(touchpoint=data["touchpoint"])
    if data.get("sort") == "support":
        ideas = ideas.order_by("-vote_count", "-submitted_at", "-id")
    else:
        ideas = ideas.order_by("-submitted_at", "-id")
    counts = selectors.idea_status_counts(request.user, search=search)
    return render(
        request,
        "feedback/ideas/idea_list.html",
        {
            "form": form,
            "search": search,
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
    request: HttpRequest,
    idea: ImprovementIdea,
    *,
    decision_form: IdeaDecisionForm | None = None,
    comment_form: IdeaCommentForm | None = None,
    roadmap_form: IdeaRoadmapForm | None = None,
) -> HttpResponse:
    """Render the idea's page; a form handed in is one refused, shown with its errors (400)."""
    can_review = request.user.has_perm("feedback.review_ideas")
    actions = [
        (action, label)
        for action, label in IDEA_ACTIONS.items()
        if can_review and lifecycle.IDEA_TRANSITIONS.allowed(idea, action)
    ]
    # The newest comments, shown oldest first like a conversation; ?comments=2 the ten before.
    comments = Paginator(
        selectors.idea_comments(idea).order_by("-created_at", "-id"), COMMENTS_SHOWN
    ).get_page(request.GET.get("comments"))
    shown = list(reversed(comments.object_list))
    refused = decision_form or comment_form or roadmap_form
    return render(
        request,
        "feedback/ideas/idea_detail.html",
        {
            "idea": idea,
            "timeline": selectors.idea_timeline(idea),
            "actions": actions,
            "decision_form": decision_form
            or IdeaDecisionForm(initial={"on_roadmap": idea.on_roadmap}),
            "offers_roadmap": any(action in ("accept", "implement") for action, _ in actions),
            "comments_page": comments,
            "comments": shown,
            "manager_ids": selectors.quality_managers_among(
                {comment.author_id for comment in shown}
            ),
            "comment_form": comment_form or IdeaCommentForm(),
            "roadmap_form": roadmap_form or IdeaRoadmapForm(initial={"on_roadmap": True}),
            # A refusal shows where it was asked for, whatever the idea's status.
            "may_use_roadmap": can_review
            and (idea.status in selectors.ROADMAP_STATUSES or roadmap_form is not None),
            "roadmap_statuses": selectors.ROADMAP_STATUSES,
            "history": history_panel(idea),
            "can_vote": idea.submitted_by_id != request.user.pk
            and idea.status in services.VOTABLE_IDEA_STATUSES
            and request.user.has_perm("feedback.add_ideavote"),
        },
        status=400 if refused is not None else 200,
    )


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an idea: problem, proposal, support, decision, timeline and conversation."""
    return _render_idea(request, _idea(request, pk))


@permission_required("feedback.review_ideas", raise_exception=True)
@require_POST
def idea_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Review, accept, decline (with a reason) or mark an idea implemented; accepting and
    implementing also say whether it shows on the public roadmap."""
    if action not in IDEA_ACTIONS:
        raise Http404
    idea = _idea(request, pk)
    form = IdeaDecisionForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        on_roadmap = form.cleaned_data["on_roadmap"]
        by = acting_user(request)
        with service_errors(form, request=request) as call:
            if action == "review":
                services.idea_review(idea=idea, by=by)
            elif action == "accept":
                services.idea_accept(idea=idea, by=by, reason=reason, on_roadmap=on_roadmap)
            elif action == "decline":
                services.idea_decline(idea=idea, by=by, reason=reason)
            else:
                services.idea_implement(idea=idea, by=by, note=reason, on_roadmap=on_roadmap)
        if call.ok:
            messages.success(
                request,
                _("%(reference)s is now %(status)s.")
                % {"reference": idea.reference, "status": idea.get_status_display().lower()},
            )
        if call.ok or call.refused:
            return redirect(idea)
    return _render_idea(request, idea, decision_form=form)


@permission_required("feedback.view_improvementidea", raise_exception=True)
@require_POST
def idea_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment to the idea's conversation (whoever may see the idea may comment)."""
    idea = _idea(request, pk)
    form = IdeaCommentForm(request.POST)
    if form.is_valid():
        with service_errors(form) as call:
            comment = services.idea_comment(
                idea=idea, by=acting_user(request), text=form.cleaned_data["text"]
            )
        if call.ok:
            return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    return _render_idea(request, idea, comment_form=form)


@permission_required("feedback.review_ideas", raise_exception=True)
@require_POST
def idea_roadmap(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an accepted or implemented idea on the public roadmap, or take it off."""
    idea = _idea(request, pk)
    form = IdeaRoadmapForm(request.POST)
    if form.is_valid():
        on_roadmap = form.cleaned_data["on_roadmap"]
        with service_errors(form) as call:
            services.idea_set_roadmap(idea=idea, by=acting_user(request), on_roadmap=on_roadmap)
        if call.ok:
            done = (
                _("%(reference)s is on the public roadmap.")
                if on_roadmap
                else _("%(reference)s is no longer on the public roadmap.")
            )
            messages.success(request, done % {"reference": idea.reference})
            return redirect(idea)
    return _render_idea(request, idea, roadmap_form=form)


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
