"""Feedback pages: log and handle complaints, the quality queue, ideas, recognition, My submissions.

Every page runs a fixed number of queries whatever the amount of data behind it; lists paginate.
Business-rule refusals (an illegal step) come back as a message at the top of the page; input
errors as the form again with each error next to its field. Nothing is saved on either.
"""

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import add_service_errors
from core.history import history_entries

from . import lifecycle, selectors, services
from .forms import (
    ACTION_FORMS,
    ComplaintLogForm,
    FrontlineLimitForm,
    IdeaDecisionForm,
    IdeaFilterForm,
    IdeaForm,
    QueueFilterForm,
    RecognitionForm,
    SeverityPolicyForm,
    assignee_choices,
    touchpoint_label,
    touchpoints,
)
from .models import Complaint, ComplaintEvent, ImprovementIdea

PAGE_SIZE = 25
EXPORT_BATCH = 2_000  # rows fetched per round trip while streaming a CSV export


def _page(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(rows, size).get_page(request.GET.get("page"))


# Logging ----------------------------------------------------------------------------------------


@permission_required("feedback.add_complaint", raise_exception=True)
def complaint_log(request: HttpRequest) -> HttpResponse:
    """Log a complaint (mobile first); on save, open it with its reference shown at once."""
    form = ComplaintLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_log(logged_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Complaint %(reference)s logged. Give the customer this reference.")
                % {"reference": complaint.reference},
            )
            return redirect(complaint)
    chosen = str(form["touchpoint"].value() or "")
    touchpoint_options = [
        {"value": "", "label": _("Don't know"), "journey": "", "selected": not chosen}
    ]
    touchpoint_options += [
        {
            "value": str(touchpoint.pk),
            "label": touchpoint_label(touchpoint),
            "journey": str(touchpoint.stage.journey_id),
            "selected": chosen == str(touchpoint.pk),
        }
        for touchpoint in touchpoints()
    ]
    return render(
        request,
        "feedback/complaint_log.html",
        {"form": form, "touchpoint_options": touchpoint_options},
    )


# The queue --------------------------------------------------------------------------------------


@permission_required("feedback.view_complaint", raise_exception=True)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """List the visible complaints, filtered, soonest-due first, with bulk assignment."""
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    rows = selectors.complaint_queue(request.user, filters)
    can_manage = lifecycle.is_manager(request.user)
    return render(
        request,
        "feedback/complaint_queue.html",
        {
            "form": form,
            "page_obj": _page(request, rows),
            "counts": selectors.queue_counts(request.user),
            "can_manage": can_manage,
            "assignees": list(assignee_choices()) if can_manage else [],
            "now": timezone.now(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


EXPORT_COLUMNS = [
    ("reference", "reference"),
    ("received_at", "received_at"),
    ("status", "status"),
    ("severity", "severity"),
    ("channel", "channel"),
    ("journey", "journey__name"),
    ("touchpoint", "touchpoint__name"),
    ("owner_department", "owner_department__name"),
    ("owner_partner", "owner_partner__name"),
    ("assignee", "assignee__username"),
    ("logged_by", "logged_by__username"),
    ("customer_reference", "customer_reference"),
    ("acknowledge_due_at", "acknowledge_due_at"),
    ("acknowledged_at", "acknowledged_at"),
    ("acknowledged_within_sla", "acknowledged_within_sla"),
    ("resolve_due_at", "resolve_due_at"),
    ("responded_at", "responded_at"),
    ("resolved_within_sla", "resolved_within_sla"),
    ("closed_at", "closed_at"),
    ("resolved_at_first_contact", "resolved_at_first_contact"),
    ("escalated_at", "escalated_at"),
    ("root_cause_category", "root_cause_category"),
    ("customer_accepted", "customer_accepted"),
    ("customer_satisfaction", "customer_satisfaction"),
    ("reopen_count", "reopen_count"),
    ("description", "description"),
]

# Spreadsheets run cells starting with these as formulas; such text is exported quoted.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("feedback.view_complaint", raise_exception=True)
def complaint_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the filtered queue as CSV (every matching row, not only the page shown)."""
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    rows = (
        selectors.complaint_queue(request.user, filters)
        .select_related(None)
        .values_list(*[path for _name, path in EXPORT_COLUMNS])
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow([name for name, _path in EXPORT_COLUMNS])
        for row in rows.iterator(chunk_size=EXPORT_BATCH):
            yield writer.writerow([_cell(value) for value in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="complaints-{stamp}.csv"'},
    )


@permission_required("feedback.manage_complaints", raise_exception=True)
@require_POST
def complaint_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the ticked complaints of the queue to one person."""
    back = request.POST.get("next") or "feedback:complaint-queue"
    if not str(back).startswith("/"):
        back = "feedback:complaint-queue"
    ids = [value for value in request.POST.getlist("complaints") if value.isdigit()]
    assignee = assignee_choices().filter(pk=request.POST.get("assignee") or 0).first()
    if not ids:
        messages.error(request, _("Tick the complaints to assign."))
        return redirect(back)
    if assignee is None:
        messages.error(request, _("Choose whom to assign them to."))
        return redirect(back)
    complaints = list(selectors.complaints_visible_to(request.user).filter(pk__in=ids))
    try:
        services.complaint_bulk_assign(complaints=complaints, assignee=assignee, by=request.user)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("%(count)d complaints assigned to %(name)s.")
            % {"count": len(complaints), "name": assignee.get_full_name() or assignee.username},
        )
    return redirect(back)


def _message(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# One complaint ----------------------------------------------------------------------------------


def _visible_complaint(request: HttpRequest, pk: int) -> Complaint:
    if not request.user.has_perm("feedback.view_complaint"):
        raise PermissionDenied
    try:
        return selectors.complaint_detail(request.user, pk)
    except Complaint.DoesNotExist:
        raise Http404(_("No such complaint, or it is not yours to see.")) from None


def _render_complaint(
    request: HttpRequest,
    complaint: Complaint,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    policy = services.policy_for(complaint.severity)
    actions = lifecycle.available_actions(
        request.user, complaint, frontline_may_resolve=policy.frontline_may_resolve
    )
    forms = {action: ACTION_FORMS[action]() for action in actions}
    if bound:
        forms.update(bound)
    owner_above_limit = (
        not lifecycle.is_manager(request.user)
        and lifecycle.is_owner(request.user, complaint)
        and not policy.frontline_may_resolve
        and complaint.is_open
    )
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "timeline": selectors.complaint_timeline(complaint),
            "actions": [
                (action, lifecycle.ACTION_LABELS[action], forms[action]) for action in actions
            ],
            "open_action": next(iter(bound)) if bound else "",
            "owner_above_limit": owner_above_limit,
            "history": history_entries(complaint),
            "policy": policy,
            "sla_state": complaint.sla_state(),
        },
        status=status,
    )


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a complaint: its facts, SLA clocks, timeline, the steps the user can take, history."""
    return _render_complaint(request, _visible_complaint(request, pk))


def _run_action(complaint: Complaint, action: str, by: Any, data: dict[str, Any]) -> None:
    if action == "acknowledge":
        services.complaint_acknowledge(complaint=complaint, by=by, note=data["note"])
    elif action == "investigate":
        services.complaint_investigate(complaint=complaint, by=by, note=data["note"])
    elif action == "root_cause":
        services.complaint_set_root_cause(
            complaint=complaint, by=by, category=data["category"], text=data["text"]
        )
    elif action == "respond":
        services.complaint_respond(complaint=complaint, by=by, decision=data["decision"])
    elif action == "close":
        services.complaint_close(
            complaint=complaint,
            by=by,
            customer_accepted=data["customer_accepted"],
            satisfaction=data["satisfaction"],
        )
    elif action == "reopen":
        services.complaint_reopen(complaint=complaint, by=by, reason=data["reason"])
    elif action == "assign":
        services.complaint_assign(complaint=complaint, assignee=data["assignee"], by=by)
    elif action == "escalate":
        services.complaint_escalate(complaint=complaint, by=by, note=data["note"])
    elif action == "comment":
        services.complaint_comment(complaint=complaint, by=by, text=data["text"])


DONE_MESSAGES = {
    "acknowledge": "%(reference)s acknowledged.",
    "investigate": "Investigation of %(reference)s started.",
    "root_cause": "Root cause of %(reference)s recorded.",
    "respond": "Response to the customer recorded on %(reference)s.",
    "close": "%(reference)s closed.",
    "reopen": "%(reference)s reopened.",
    "assign": "%(reference)s assigned.",
    "escalate": "%(reference)s escalated to the quality managers.",
    "comment": "Comment added to %(reference)s.",
}


@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one step on a complaint (a life-cycle transition, assignment, escalation, comment)."""
    if action not in ACTION_FORMS:
        raise Http404
    complaint = _visible_complaint(request, pk)
    form = ACTION_FORMS[action](request.POST)
    if form.is_valid():
        try:
            _run_action(complaint, action, request.user, form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(complaint)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _(DONE_MESSAGES[action]) % {"reference": complaint.reference})
            return redirect(complaint)
    return _render_complaint(request, complaint, {action: form}, status=400)


# SLA policy -------------------------------------------------------------------------------------


@permission_required("feedback.view_severitypolicy", raise_exception=True)
def sla_policy(request: HttpRequest) -> HttpResponse:
    """Show the SLA targets per severity and the frontline limit; quality managers edit them."""
    policies = services.all_policies()
    can_edit = request.user.has_perm("feedback.change_severitypolicy")
    data = request.POST if request.method == "POST" else None
    if data is not None and not can_edit:
        raise PermissionDenied
    forms = [
        SeverityPolicyForm(data, instance=policy, prefix=f"s{policy.severity}")
        for policy in policies
    ]
    limit_form = FrontlineLimitForm(data, initial={"highest_severity": services.frontline_limit()})
    if data is not None and all(form.is_valid() for form in forms) and limit_form.is_valid():
        try:
            for form in forms:
                services.severity_policy_update(policy=form.instance, **form.cleaned_data)
            services.frontline_limit_set(
                highest_severity=limit_form.cleaned_data["highest_severity"]
            )
        except ValidationError as error:
            add_service_errors(limit_form, error)
        else:
            messages.success(
                request, _("SLA targets saved. They apply to complaints logged from now on.")
            )
            return redirect("feedback:sla-policy")
    return render(
        request,
        "feedback/sla_policy.html",
        {
            "rows": list(zip(policies, forms, strict=True)),
            "limit_form": limit_form,
            "can_edit": can_edit,
        },
    )


# Ideas ------------------------------------------------------------------------------------------


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
        "feedback/idea_list.html",
        {
            "form": form,
            "page_obj": _page(request, ideas),
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
        try:
            idea = services.idea_submit(submitted_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Idea %(reference)s submitted. You can follow it in My submissions.")
                % {"reference": idea.reference},
            )
            return redirect(idea)
    return render(request, "feedback/idea_form.html", {"form": form})


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
        if can_review and idea.status in services.IDEA_TRANSITIONS[action][0]
    ]
    return render(
        request,
        "feedback/idea_detail.html",
        {
            "idea": idea,
            "timeline": selectors.idea_timeline(idea),
            "actions": actions,
            "decision_form": form or IdeaDecisionForm(),
            "history": history_entries(idea),
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
        try:
            if action == "review":
                services.idea_review(idea=idea, by=request.user)
            elif action == "accept":
                services.idea_accept(idea=idea, by=request.user, reason=reason)
            elif action == "decline":
                services.idea_decline(idea=idea, by=request.user, reason=reason)
            else:
                services.idea_implement(idea=idea, by=request.user, note=reason)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(idea)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is now %(status)s.")
                % {"reference": idea.reference, "status": idea.get_status_display().lower()},
            )
            return redirect(idea)
    return _render_idea(request, idea, form)


@permission_required("feedback.add_ideavote", raise_exception=True)
@require_POST
def idea_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Support an idea, or withdraw one's support (htmx swaps the button; plain posts redirect)."""
    idea = _idea(request, pk)
    try:
        if idea.supported:  # type: ignore[attr-defined]
            services.idea_unvote(idea=idea, voter=request.user)
        else:
            services.idea_vote(idea=idea, voter=request.user)
    except ApplicationError as error:
        if request.headers.get("HX-Request"):
            return HttpResponse(error.message, status=400)
        messages.error(request, error.message)
        return redirect(request.POST.get("next") or idea.get_absolute_url())
    idea = _idea(request, pk)
    if request.headers.get("HX-Request"):
        return render(
            request, "feedback/partials/vote_button.html", {"idea": idea, "can_vote": True}
        )
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/") else idea.get_absolute_url())


# My submissions ---------------------------------------------------------------------------------

MY_TABS = ("complaints", "ideas", "recognitions")


def my_submissions(request: HttpRequest) -> HttpResponse:
    """Show the user's complaints and ideas with what became of them, and their recognitions."""
    tab = request.GET.get("tab", "complaints")
    if tab not in MY_TABS:
        tab = "complaints"
    user: Any = request.user
    rows: Any
    if tab == "complaints":
        rows = selectors.my_complaints(user)
    elif tab == "ideas":
        rows = selectors.my_ideas(user)
    else:
        rows = selectors.recognitions_for(user)
    counts = {
        "complaints": Complaint.objects.filter(logged_by=user).count(),
        "ideas": ImprovementIdea.objects.filter(submitted_by=user).count(),
        "recognitions": selectors.recognitions_for(user).count(),
    }
    return render(
        request,
        "feedback/my_submissions.html",
        {
            "tab": tab,
            "page_obj": _page(request, rows),
            "counts": counts,
            "kinds": ComplaintEvent.Kind.choices,
        },
    )


# Recognition ------------------------------------------------------------------------------------


@permission_required("feedback.view_recognition", raise_exception=True)
def recognition_feed(request: HttpRequest) -> HttpResponse:
    """The recognition feed: who did what for customers, newest first."""
    return render(
        request,
        "feedback/recognition_feed.html",
        {"page_obj": _page(request, selectors.recognition_feed())},
    )


@permission_required("feedback.add_recognition", raise_exception=True)
def recognition_create(request: HttpRequest) -> HttpResponse:
    """Give kudos to an employee, optionally for a complaint or an idea."""
    initial = {
        key: request.GET[key] for key in ("complaint", "idea", "recipient") if key in request.GET
    }
    form = RecognitionForm(request.POST or None, initial=initial, exclude_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            recognition = services.recognition_give(given_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Recognition sent to %(name)s.")
                % {
                    "name": recognition.recipient.get_full_name()
                    or recognition.recipient.get_username()
                },
            )
            return redirect("feedback:recognition-feed")
    linked = form["complaint"].value() or form["idea"].value()
    return render(request, "feedback/recognition_form.html", {"form": form, "linked": linked})
