"""The management review's actions on a report's page: record it, its decisions and actions,
remove a mistaken one, sign it off, start a PDCA cycle for an action, mark an action done.

Each finds its report through the one visibility rule (`monthly.report_or_404`); a refused post
comes back as the report page with each error next to its field (status 400).
"""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import service_errors
from core.roles import acting_user

from ..forms.monthly import DecisionForm, ReviewActionForm, ReviewForm
from ..models import ManagementReview, MonthlyReport, ReviewAction, ReviewDecision
from ..services import reviews
from .monthly import detail_url, render_detail, report_or_404


def _review(report: MonthlyReport) -> ManagementReview:
    """Return the report's review, or 404 (a decision or an action needs one)."""
    return get_object_or_404(ManagementReview, report=report)


@permission_required("reports.change_managementreview", raise_exception=True)
@require_POST
def monthly_review(request: HttpRequest, month: str) -> HttpResponse:
    """Record the review held on the report, or correct it while it is a draft."""
    report = report_or_404(request, month)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form, request=request) as call:
            reviews.review_record(
                report=report,
                by=acting_user(request),
                held_on=data["held_on"],
                attendees=list(data["attendees"]),
                guests=data["guests"],
                minutes=data["minutes"],
            )
        if call.ok:
            messages.success(request, _("The review is recorded."))
        if call.ok or call.refused:  # refused: signed off meanwhile, the message says so
            return redirect(detail_url(report))
    return render_detail(request, report, {"review": form})


@permission_required("reports.change_managementreview", raise_exception=True)
@require_POST
def monthly_decision_add(request: HttpRequest, month: str) -> HttpResponse:
    """Record a decision of the review."""
    report = report_or_404(request, month)
    review = _review(report)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            reviews.review_decision_add(
                review=review, by=acting_user(request), text=form.cleaned_data["text"]
            )
        if call.ok:
            messages.success(request, _("Decision recorded."))
        if call.ok or call.refused:
            return redirect(detail_url(report))
    return render_detail(request, report, {"decision": form})


@permission_required("reports.change_managementreview", raise_exception=True)
@require_POST
def monthly_action_add(request: HttpRequest, month: str) -> HttpResponse:
    """Record an action of the review: what, its owner, when it is due."""
    report = report_or_404(request, month)
    review = _review(report)
    form = ReviewActionForm(request.POST, review=review)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            reviews.review_action_add(review=review, by=acting_user(request), **form.cleaned_data)
        if call.ok:
            messages.success(request, _("Action recorded."))
        if call.ok or call.refused:
            return redirect(detail_url(report))
    return render_detail(request, report, {"action": form})


REMOVABLE: dict[str, type[ReviewDecision] | type[ReviewAction]] = {
    "decisions": ReviewDecision,
    "actions": ReviewAction,
}


@permission_required("reports.change_managementreview", raise_exception=True)
@require_POST
def monthly_item_remove(request: HttpRequest, month: str, kind: str, pk: int) -> HttpResponse:
    """Remove a decision or an action recorded by mistake (the review still a draft)."""
    if kind not in REMOVABLE:
        raise Http404
    report = report_or_404(request, month)
    item = cast(
        ReviewDecision | ReviewAction,
        get_object_or_404(REMOVABLE[kind], review__report=report, pk=pk),
    )
    with service_errors(request=request) as call:
        reviews.review_item_remove(item=item, by=acting_user(request))
    if call.ok:
        messages.success(request, _("“%(item)s” removed.") % {"item": item})
    return redirect(detail_url(report))


@permission_required("reports.change_managementreview", raise_exception=True)
@require_POST
def monthly_sign_off(request: HttpRequest, month: str) -> HttpResponse:
    """Sign the review off: it becomes read-only."""
    report = report_or_404(request, month)
    review = _review(report)
    form = forms.Form(request.POST)
    # What the review still lacks shows at the button; a signed-off review is a message.
    with service_errors(form, request=request) as call:
        reviews.review_sign_off(review=review, by=acting_user(request))
    if call.ok:
        messages.success(request, _("The review is signed off; it can no longer change."))
    if call.ok or call.refused:
        return redirect(detail_url(report))
    return render_detail(request, report, {"sign-off": form})


def _action(report: MonthlyReport, pk: int) -> ReviewAction:
    return get_object_or_404(
        ReviewAction.objects.select_related("owner"), review__report=report, pk=pk
    )


@permission_required("improvement.open_review_cycles", raise_exception=True)
@require_POST
def monthly_action_cycle(request: HttpRequest, month: str, pk: int) -> HttpResponse:
    """Open a PDCA cycle for an action of the review, owned by the action's owner."""
    report = report_or_404(request, month)
    action = _action(report, pk)
    with service_errors(request=request) as call:
        cycle = reviews.review_action_start_cycle(action=action, by=acting_user(request))
    if call.ok:
        messages.success(
            request,
            _("%(reference)s opened in Plan for “%(action)s”.")
            % {"reference": cycle.reference, "action": action.title},
        )
    return redirect(detail_url(report))


@permission_required("reports.view_monthlyreport", raise_exception=True)
@require_POST
def monthly_action_done(request: HttpRequest, month: str, pk: int) -> HttpResponse:
    """Mark an action of the review done (its owner, an executive or a quality manager)."""
    report = report_or_404(request, month)
    action = _action(report, pk)
    with service_errors(request=request) as call:
        reviews.review_action_complete(action=action, by=acting_user(request))
    if call.ok:
        messages.success(request, _("“%(action)s” is done.") % {"action": action.title})
    return redirect(detail_url(report))
