"""The monthly loyalty-health report's pages: the archive, one report with its management review,
the standalone document and the PDF, and the review's and the e-mails' actions.

Every page finds its report through the one visibility rule (`monthly_report_for`): a report the
user may not read answers 404, whatever the route. A refused post comes back as the report page
with each error next to its field and everything typed still in the form (status 400).
"""

from datetime import date
from typing import Any

from csp.decorators import csp, csp_exempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import Role, acting_user, user_roles

from ..forms.monthly import (
    DecisionForm,
    GenerateForm,
    ReviewActionForm,
    ReviewForm,
    SubscriptionForm,
)
from ..models import (
    ManagementReview,
    MonthlyReport,
    ReportDelivery,
    ReportSubscription,
    ReviewAction,
)
from ..monthly.months import ReportMonth
from ..selectors import monthly_reports as selectors
from ..services import monthly_reports as services

Status = MonthlyReport.Status
# Ended months the generate form offers (two years back).
GENERATE_MONTHS = 24
# The standalone document's own policy: its styles are inline and its charts data: images; it
# runs no script, loads nothing from elsewhere and may be framed by the site's own pages only.
# Set whole with `csp` rather than `csp_replace`: none of the site's directives (script-src
# 'self', its style hashes) carries over, and it is enforced even when the site's policy runs
# report-only (whose header the document does without).
DOCUMENT_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "font-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
}


def report_or_404(request: HttpRequest, month: str) -> MonthlyReport:
    """Return the report of the month the URL names if the user may read it, else 404."""
    report = selectors.monthly_report_for(request.user, month)
    if report is None:
        raise Http404(_("No report of that month."))
    return report


def detail_url(report: MonthlyReport) -> str:
    return report.get_absolute_url() + "#review"


# The archive ------------------------------------------------------------------------------------


def months_to_generate(user: Any, today: date) -> list[ReportMonth]:
    """Return the ended months, newest first, that have no published report yet."""
    published = set(
        selectors.monthly_reports_visible_to(user)
        .filter(status=Status.PUBLISHED)
        .values_list("month", flat=True)
    )
    last = ReportMonth.of(today).previous
    return [
        month
        for month in reversed(last.months_back(GENERATE_MONTHS))
        if month.first not in published and month.last >= settings.QMS_EARLIEST_DATE
    ]


def _always_emailed(user: Any) -> bool:
    """Return whether the user receives every report whatever they choose (executives)."""
    return Role.EXECUTIVE in user_roles(user)


def render_archive(request: HttpRequest, generate_form: GenerateForm | None = None) -> HttpResponse:
    """Render the archive; `generate_form` is a refused generate form to show again."""
    user = request.user
    page = page_of(request, selectors.monthly_report_archive(user))
    can_generate = user.has_perm("reports.generate_monthlyreport")
    if can_generate and generate_form is None:
        generate_form = GenerateForm(months=months_to_generate(user, timezone.localdate()))
    return render(
        request,
        "reports/monthly/archive.html",
        {
            "page_obj": page,
            "rows": [{"report": report, "review": _review_or_none(report)} for report in page],
            "generate_form": generate_form if can_generate else None,
            "always_emailed": _always_emailed(user),
            "subscribed": ReportSubscription.objects.filter(user=acting_user(request)).exists(),
            "has_email": bool(getattr(user, "email", "")),
        },
        status=400 if generate_form is not None and generate_form.errors else 200,
    )


def _review_or_none(report: MonthlyReport) -> ManagementReview | None:
    """Return the review the archive's query joined to the report, if it has one."""
    try:
        return report.review
    except ManagementReview.DoesNotExist:
        return None


@permission_required("reports.view_monthlyreport", raise_exception=True)
def monthly_list(request: HttpRequest) -> HttpResponse:
    """List every report, newest month first, with its review and downloads."""
    return render_archive(request)


@permission_required("reports.generate_monthlyreport", raise_exception=True)
@require_POST
def monthly_generate(request: HttpRequest) -> HttpResponse:
    """Ask for an ended month's report (a quality manager): queued, or the one that exists."""
    user = request.user
    form = GenerateForm(request.POST, months=months_to_generate(user, timezone.localdate()))
    if form.is_valid():
        with service_errors(form) as call:
            report = services.monthly_report_request(
                month=form.cleaned_data["month"], by=acting_user(request)
            )
        if call.ok:
            if report.status == Status.PUBLISHED:
                messages.info(
                    request,
                    _("The report of %(month)s is already published.") % {"month": report.label},
                )
            else:
                messages.success(
                    request,
                    _("The report of %(month)s is being generated; this takes a minute or two.")
                    % {"month": report.label},
                )
            return redirect(report)
    return render_archive(request, form)


@permission_required("reports.view_monthlyreport", raise_exception=True)
@require_POST
def monthly_subscription(request: HttpRequest) -> HttpResponse:
    """Subscribe to each published report by e-mail, or unsubscribe."""
    form = SubscriptionForm(request.POST)
    form.is_valid()  # a tick box: anything but "on" is "no"
    subscribed = services.report_subscription_set(
        user=acting_user(request), subscribed=form.cleaned_data.get("subscribed", False)
    )
    if subscribed:
        messages.success(request, _("Each new report will be e-mailed to you."))
    else:
        messages.success(request, _("New reports will no longer be e-mailed to you."))
    return redirect("reports:monthly-list")


# One report -------------------------------------------------------------------------------------


def _action_rows(request: HttpRequest, review: ManagementReview) -> list[dict[str, Any]]:
    """Return the review's actions with where each stands and what the user may do with it."""
    user = request.user
    today = timezone.localdate()
    can_open = user.has_perm("improvement.open_review_cycles")
    can_review = user.has_perm("reports.change_managementreview")
    rows = []
    for action in review.actions.all():
        state = action.state(today)
        finished = state == ReviewAction.State.DONE
        rows.append(
            {
                "action": action,
                "state": state,
                "can_start_cycle": can_open and action.cycle_id is None and not finished,
                "can_complete": not finished
                and action.done_on is None
                and (can_review or action.owner_id == user.pk),
            }
        )
    return rows


def render_detail(
    request: HttpRequest, report: MonthlyReport, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    """Render a report's page; `bound` holds a refused form to show again, by its key."""
    bound = bound or {}
    user = request.user
    review = selectors.review_of(report)
    can_review = user.has_perm("reports.change_managementreview")
    editable = (
        can_review
        and report.status == Status.PUBLISHED
        and (review is None or not review.is_signed_off)
    )
    deliveries = list(selectors.deliveries_of(report))
    context: dict[str, Any] = {
        "report": report,
        "published": report.status == Status.PUBLISHED,
        "waiting": report.status in (Status.QUEUED, Status.GENERATING),
        "deliveries": deliveries,
        "failed_deliveries": sum(
            1 for delivery in deliveries if delivery.status == ReportDelivery.Status.FAILED
        ),
        "can_retry": user.has_perm("reports.generate_monthlyreport"),
        "review": review,
        "can_review": can_review,
        "editable": editable,
        "actions": _action_rows(request, review) if review else [],
        "history": history_panel(review) if review else None,
        "open_form": next(iter(bound), ""),
    }
    if editable:
        context["review_form"] = bound.get("review") or ReviewForm(
            initial=ReviewForm.initial_of(review)
            if review
            else {"held_on": timezone.localdate(), "attendees": [user.pk]}
        )
    if editable and review is not None:
        context["decision_form"] = bound.get("decision") or DecisionForm()
        context["action_form"] = bound.get("action") or ReviewActionForm(
            review=review, initial={"owner": user.pk}
        )
        context["sign_off_form"] = bound.get("sign-off")
    return render(request, "reports/monthly/detail.html", context, status=400 if bound else 200)


@permission_required("reports.view_monthlyreport", raise_exception=True)
def monthly_detail(request: HttpRequest, month: str) -> HttpResponse:
    """Show a report: its state, problems and e-mails, its sections, and its review."""
    report = report_or_404(request, month)
    if getattr(request, "htmx", False):
        # The "being generated" notice polls: nothing changes until the worker is done.
        if report.status in (Status.QUEUED, Status.GENERATING):
            return HttpResponse(status=204)
        return HttpResponseClientRefresh()
    return render_detail(request, report)


@permission_required("reports.view_monthlyreport", raise_exception=True)
@xframe_options_sameorigin
@csp(DOCUMENT_POLICY)
@csp_exempt(REPORT_ONLY=True)  # type: ignore[arg-type]  # django-csp types views as f(request)
def monthly_document(request: HttpRequest, month: str) -> HttpResponse:
    """Return the report's standalone HTML document, under a policy of its own."""
    report = report_or_404(request, month)
    if not report.html:
        raise Http404(_("The report has no document yet."))
    return HttpResponse(report.html, content_type="text/html; charset=utf-8")


@permission_required("reports.view_monthlyreport", raise_exception=True)
def monthly_pdf(request: HttpRequest, month: str) -> HttpResponse:
    """Download the report's PDF."""
    report = report_or_404(request, month)
    if not report.pdf:
        raise Http404(_("The report has no PDF yet."))
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="loyalty-health-{report.slug}.pdf"'
    return response


@permission_required("reports.generate_monthlyreport", raise_exception=True)
@require_POST
def monthly_delivery_retry(request: HttpRequest, month: str, pk: int) -> HttpResponse:
    """Send a failed e-mail of the report again."""
    report = report_or_404(request, month)
    delivery = get_object_or_404(ReportDelivery, report=report, pk=pk)
    with service_errors(request=request) as call:
        services.report_delivery_retry(delivery=delivery, by=acting_user(request))
    if call.ok:
        messages.success(
            request, _("The report is being sent to %(email)s again.") % {"email": delivery.email}
        )
    return redirect(report.get_absolute_url() + "#deliveries")


# The management review --------------------------------------------------------------------------
