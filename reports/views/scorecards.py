"""Partner scorecard pages: the comparison, one partner's scorecard, the rules, its expectations.

Every page reads the stored scores (the nightly refresh writes them) through the one visibility
rule, `scorecard_partners_visible_to`, in a fixed number of queries whatever the history.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user
from stakeholders.models import Partner

from ..forms.scorecards import PartnerExpectationsForm, ScorecardMonthForm, ScorecardRulesForm
from ..scorecards.charts import score_sparkline, score_trend
from ..selectors import scorecards as selectors
from ..services import scorecards as services


def _visible_partner(request: HttpRequest, partner_id: int) -> Partner:
    """Return a partner whose scorecard the user may read, or 404."""
    return get_object_or_404(selectors.scorecard_partners_visible_to(request.user), pk=partner_id)


def _sort_links(sort: str) -> dict[str, dict[str, str]]:
    """Return, per sortable column, the `sort` its header link asks for and its aria-sort."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    links = {}
    for column in selectors.SORTS:
        if column == current:
            links[column] = {
                "sort": column if descending else f"-{column}",
                "aria": "descending" if descending else "ascending",
            }
        else:
            links[column] = {"sort": column, "aria": "none"}
    return links


# Staff only: a partner contact reads their own scorecard, not a comparison of one.
@permission_required("reports.view_all_scorecards", raise_exception=True)
def scorecard_list(request: HttpRequest) -> HttpResponse:
    """Compare the partners' scorecards of the last complete month, sortable, a page at a time."""
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort.lstrip("-") not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    month = selectors.latest_complete_month()
    partners = selectors.scorecard_partners_visible_to(request.user)
    page = page_of(request, selectors.scorecard_comparison(partners, month=month, sort=sort))
    months = selectors.months_ending(month)
    trends = selectors.scorecard_trends([partner.pk for partner in page], months)
    rows = [
        {
            "partner": partner,
            "sparkline": score_sparkline(partner.pk, partner.name, trends[partner.pk]),
        }
        for partner in page
    ]
    return render(
        request,
        "reports/scorecards/scorecard_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "month": month,
            "in_progress": selectors.today_month(),
            "sort": sort,
            "sort_links": _sort_links(sort),
            "bands": selectors.band_limits(),
            "can_edit_rules": request.user.has_perm("reports.change_scorecardcriterion"),
        },
    )


@permission_required("reports.view_partnerscore", raise_exception=True)
def scorecard_detail(request: HttpRequest, partner_id: int) -> HttpResponse:
    """Show a partner's scorecard of a month: score, standing, breakdown, 12-month trend."""
    partner = _visible_partner(request, partner_id)
    latest = selectors.latest_complete_month()
    scored = selectors.scored_months(partner)
    form = ScorecardMonthForm(request.GET or None, months=scored)
    valid = not form.is_bound or form.is_valid()
    default = latest if latest in scored or not scored else scored[0]
    month = form.chosen(default) if form.is_bound and valid else default
    trend = selectors.scorecard_trends([partner.pk], selectors.months_ending(latest))[partner.pk]
    before = selectors.month_before(month)
    previous = next((entry for entry in trend if entry.period == before), None)
    stored = selectors.partner_score(partner, month)
    criteria = selectors.scorecard_criteria()
    rows = selectors.breakdown_rows(stored, criteria, selectors.partner_expectations(partner))
    context: dict[str, Any] = {
        "partner": partner,
        "form": form,
        "month": month,
        "score": stored,
        "previous": previous,
        "change": (
            stored.score - previous.score
            if stored and stored.score is not None and previous and previous.score is not None
            else None
        ),
        "rows": rows,
        "left_out": [row for row in rows if row.left_out],
        "trend_chart": score_trend(partner.name, trend),
        "in_progress": selectors.today_month(),
        "bands": selectors.band_limits(),
        "can_edit": request.user.has_perm("reports.change_partnerexpectation"),
        "can_edit_rules": request.user.has_perm("reports.change_scorecardcriterion"),
    }
    if request.user.has_perm("improvement.view_suggestion"):
        context["suggestions"], context["cycles"] = selectors.open_partner_capa(partner)
    return render(
        request, "reports/scorecards/scorecard_detail.html", context, status=200 if valid else 400
    )


@permission_required("reports.change_scorecardcriterion", raise_exception=True)
def scorecard_weights(request: HttpRequest) -> HttpResponse:
    """Set the criteria's weights (adding up to 100), default expectations and distances to 0."""
    criteria = selectors.scorecard_criteria()
    form = ScorecardRulesForm(request.POST if request.method == "POST" else None, criteria=criteria)
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            services.scorecard_criteria_update(
                weights=form.parts("weight"),
                expectations=form.parts("expectation"),
                tolerances=form.parts("tolerance"),
                by=acting_user(request),
            )
        if call.ok:
            messages.success(
                request,
                _("Scoring rules saved. Every stored month is being scored again with them."),
            )
            return redirect("reports:scorecard-list")
    return render(
        request,
        "reports/scorecards/weights_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@permission_required("reports.change_partnerexpectation", raise_exception=True)
def scorecard_expectations(request: HttpRequest, partner_id: int) -> HttpResponse:
    """Set the expectations agreed with a partner; an empty one keeps the default."""
    partner = _visible_partner(request, partner_id)
    criteria = selectors.scorecard_criteria()
    if not criteria:
        raise Http404(_("The scorecard criteria are missing."))
    form = PartnerExpectationsForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        agreed=selectors.partner_expectations(partner),
    )
    if form.is_bound and form.is_valid():
        with service_errors(form) as call:
            services.partner_expectations_set(
                partner=partner, expectations=form.expectations(), by=acting_user(request)
            )
        if call.ok:
            messages.success(
                request,
                _("Expectations agreed with %(partner)s saved; its months are scored again.")
                % {"partner": partner.name},
            )
            return redirect("reports:scorecard-detail", partner_id=partner.pk)
    return render(
        request,
        "reports/scorecards/expectations_form.html",
        {"partner": partner, "form": form},
        status=400 if form.is_bound else 200,
    )
