"""Complaint pages: logging, the queue, export, bulk assignment, one complaint and its actions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.pagination import COUNT_LIMIT, page_of
from core.roles import acting_user
from core.spreadsheets import EXPORT_BATCH, csv_download

from .. import lifecycle, selectors, services
from ..forms import (
    ACTION_FORMS,
    ComplaintLogForm,
    CustomerEmailForm,
    QueueFilterForm,
    assignee_choices,
    touchpoint_label,
    touchpoints,
)
from ..models import Complaint
from .complaint_page import (
    EMAIL_STEPS,
    may_write,
    refilled,
    render_complaint,
    template_fills,
    visible_complaint,
)

# Logging ----------------------------------------------------------------------------------------


@permission_required("feedback.add_complaint", raise_exception=True)
def complaint_log(request: HttpRequest) -> HttpResponse:
    """Log a complaint (mobile first); on save, open it with its reference shown at once."""
    form = ComplaintLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as call:
            complaint = services.complaint_log(logged_by=acting_user(request), **form.cleaned_data)
        if call.ok:
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
        "feedback/complaints/complaint_log.html",
        {"form": form, "touchpoint_options": touchpoint_options},
    )


# The queue --------------------------------------------------------------------------------------


@permission_required("feedback.view_complaint", raise_exception=True)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """List the visible complaints, filtered, soonest-due first, with bulk assignment."""
    assignees = list(assignee_choices())
    form = QueueFilterForm(request.GET or None, assignees=assignees)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    rows = selectors.complaint_queue(request.user, filters)
    can_manage = lifecycle.is_manager(request.user)
    return render(
        request,
        "feedback/complaints/complaint_queue.html",
        {
            "form": form,
            "page_obj": page_of(request, rows, counted_up_to=COUNT_LIMIT),
            "counts": selectors.queue_counts(request.user),
            "can_manage": can_manage,
            "assignees": assignees if can_manage else [],
            "now": timezone.now(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            # Shown on the phone's Filters button, which hides the filters themselves.
            "active_filters": sum(1 for name in form.fields if request.GET.get(name)),
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
    return csv_download(
        "complaints",
        [name for name, _path in EXPORT_COLUMNS],
        rows.iterator(chunk_size=EXPORT_BATCH),
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
    with service_errors(request=request) as call:
        services.complaint_bulk_assign(
            complaints=complaints, assignee=assignee, by=acting_user(request)
        )
    if call.ok:
        messages.success(
            request,
            _("%(count)d complaints assigned to %(name)s.")
            % {"count": len(complaints), "name": assignee.get_full_name() or assignee.username},
        )
    return redirect(back)


# One complaint ----------------------------------------------------------------------------------


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a complaint: its facts, SLA clocks, timeline, the steps the user can take, history."""
    return render_complaint(request, visible_complaint(request, pk))


def _run_action(
    complaint: Complaint, action: str, by: Any, data: dict[str, Any], email: dict[str, Any]
) -> None:
    if action == "acknowledge":
        services.complaint_acknowledge(complaint=complaint, by=by, note=data["note"], **email)
    elif action == "investigate":
        services.complaint_investigate(complaint=complaint, by=by, note=data["note"])
    elif action == "root_cause":
        services.complaint_set_root_cause(
            complaint=complaint, by=by, category=data["category"], text=data["text"]
        )
    elif action == "respond":
        services.complaint_respond(complaint=complaint, by=by, decision=data["decision"], **email)
    elif action == "close":
        services.complaint_close(
            complaint=complaint,
            by=by,
            customer_accepted=data["customer_accepted"],
            satisfaction=data["satisfaction"],
            send_csat_to=data.get("send_csat_to", ""),
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
    """Take one step on a complaint (a life-cycle transition, assignment, escalation, comment);
    acknowledging and responding may e-mail the customer at the same time."""
    if action not in ACTION_FORMS:
        raise Http404
    complaint = visible_complaint(request, pk)
    form = ACTION_FORMS[action](request.POST)
    bound: dict[str, Any] = {action: form}
    email_form = None
    if action in EMAIL_STEPS and may_write(request.user, complaint):
        purpose = EMAIL_STEPS[action]
        if "fill" in request.POST:  # "Use this template", without JavaScript: nothing is done
            fills = template_fills(request.user, complaint)
            bound[f"email:{action}"] = refilled(CustomerEmailForm, request.POST, fills, purpose)
            return render_complaint(request, complaint, bound)
        email_form = CustomerEmailForm(request.POST, purpose=purpose)
        bound[f"email:{action}"] = email_form
    email_valid = email_form is None or email_form.is_valid()
    if form.is_valid() and email_valid:
        email = email_form.email() if email_form is not None else {}
        with service_errors(form, request=request) as call:
            _run_action(complaint, action, request.user, form.cleaned_data, email)
        if call.ok:
            done = _(DONE_MESSAGES[action]) % {"reference": complaint.reference}
            if email:
                done += " " + _("The customer is e-mailed.")
            messages.success(request, done)
        if call.ok or call.refused:
            return redirect(complaint)
    return render_complaint(request, complaint, bound, status=400)


# SLA policy -------------------------------------------------------------------------------------
