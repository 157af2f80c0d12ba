"""Metrics pages: the indicator list, one indicator's control chart and story, recompute runs.

Pages read the precomputed snapshots only, in a fixed number of queries whatever the history.
Business-rule refusals come back as a message at the top of the page; input errors as the page
again with each error next to its field (status 400). Nothing is saved on either.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history_panel
from core.forms import service_errors
from core.pagination import page_of
from core.roles import acting_user

from . import selectors, services
from .charts import indicator_chart
from .forms import (
    AnnotationForm,
    DriverForm,
    IndicatorFilterForm,
    IndicatorForm,
    LimitsForm,
    RecomputeForm,
    is_safe_link,
)
from .models import Driver, Indicator, RecomputeRun
from .recompute import recompute_start
from .rules import RULE_LABELS
from .series import chart_payload

SNAPSHOTS_PER_PAGE = 12  # a year of months under the chart
LAGS = range(4)  # drivers are correlated at lags 0-3 periods


# The list ---------------------------------------------------------------------------------------


@permission_required("metrics.view_indicator", raise_exception=True)
def indicator_list(request: HttpRequest) -> HttpResponse:
    """List the indicators by stakeholder group, filtered, with the stakeholder balance on top."""
    form = IndicatorFilterForm(request.GET or None)
    rows = selectors.indicators_for_list(**form.filters())
    return render(
        request,
        "metrics/indicator_list.html",
        {
            "form": form,
            "page_obj": page_of(request, rows),
            "balance": selectors.stakeholder_balance(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


# One indicator ----------------------------------------------------------------------------------


def _lag_cells(driver: Driver) -> list[dict[str, Any] | None]:
    """Return the correlation at each lag 0-3 (None where it was not computed)."""
    by_lag = {entry.get("lag"): entry for entry in driver.lags or [] if isinstance(entry, dict)}
    return [by_lag.get(lag) for lag in LAGS]


def _signal_legend(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each rule that flags a point, with its wording and how many points it flags."""
    counts: dict[str, int] = {}
    for point in payload["points"]:
        for rule in point.get("signals") or []:
            counts[rule] = counts.get(rule, 0) + 1
    return [
        {"rule": rule, "label": RULE_LABELS.get(rule, rule), "points": counts[rule]}
        for rule in sorted(counts)
    ]


def _render_detail(
    request: HttpRequest,
    indicator: Indicator,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render an indicator's page; `bound` holds an action form with errors to show again."""
    bound = bound or {}
    user = request.user
    annotations = list(selectors.annotations_of(indicator))
    limit_segments = list(selectors.limit_segments_of(indicator))
    payload = chart_payload(indicator)
    is_lagging = indicator.kind == Indicator.Kind.LAGGING
    pairs = selectors.drivers_of(indicator) if is_lagging else selectors.outcomes_of(indicator)
    drivers = [
        {
            "driver": driver,
            "other": driver.leading if is_lagging else driver.lagging,
            "lags": _lag_cells(driver),
        }
        for driver in pairs
    ]
    latest = selectors.latest_complete_snapshot(indicator)
    can = {
        "edit": user.has_perm("metrics.change_indicator"),
        "annotate": user.has_perm("metrics.add_annotation"),
        "limits": user.has_perm("metrics.add_limitsegment"),
        "drive": user.has_perm("metrics.add_driver") and is_lagging,
        "recompute": user.has_perm("metrics.add_recomputerun"),
    }
    forms = {
        "annotation": bound.get("annotation") or (AnnotationForm() if can["annotate"] else None),
        "limits": bound.get("limits")
        or (LimitsForm(indicator=indicator) if can["limits"] and payload["points"] else None),
        "driver": bound.get("driver")
        or (DriverForm(indicator=indicator) if can["drive"] else None),
    }
    return render(
        request,
        "metrics/indicator_detail.html",
        {
            "indicator": indicator,
            "latest": latest,
            "chart": indicator_chart(
                indicator,
                payload=payload,
                annotations=annotations,
                limit_segments=limit_segments,
            ),
            "limits": payload,
            "signal_legend": _signal_legend(payload),
            # Links are written by other apps too: only site paths and http(s) become links.
            "annotations": [
                {
                    "annotation": annotation,
                    "href": annotation.link if is_safe_link(annotation.link) else "",
                }
                for annotation in annotations
            ],
            "limit_segments": limit_segments,
            "drivers": drivers,
            "lags": list(LAGS),
            "objectives": list(selectors.objectives_of(indicator)),
            "snapshots": page_of(request, selectors.snapshots_of(indicator), SNAPSHOTS_PER_PAGE),
            "forms": forms,
            "open_form": next(iter(bound), ""),
            "can": can,
            "history": history_panel(indicator),
        },
        status=400 if bound else 200,
    )


def _indicator(code: str) -> Indicator:
    return get_object_or_404(selectors.indicator_by_code(code))


@permission_required("metrics.view_indicator", raise_exception=True)
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show an indicator: control chart, status, variation, trend, drivers, notes, snapshots."""
    return _render_detail(request, _indicator(code))


# Defining indicators ----------------------------------------------------------------------------


def _save_form(form: IndicatorForm, indicator: Indicator | None) -> Indicator | None:
    """Save through the service; return the indicator, or None with the errors on the form."""
    with service_errors(form):
        if indicator is None:
            return services.indicator_create(**form.definition())
        return services.indicator_update(indicator=indicator, **form.definition())
    return None


@permission_required("metrics.add_indicator", raise_exception=True)
def indicator_create(request: HttpRequest) -> HttpResponse:
    """Define an indicator: what it measures, how it is computed, its target and its chart."""
    form = IndicatorForm(
        request.POST or None,
        initial={"kind": Indicator.Kind.LAGGING, "owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        indicator = _save_form(form, None)
        if indicator is not None:
            messages.success(
                request, _("Indicator defined. The next recompute fills its snapshots.")
            )
            return redirect(indicator)
    return render(
        request,
        "metrics/indicator_form.html",
        {"form": form, "indicator": None},
        status=400 if form.is_bound and form.errors else 200,
    )


def _recompute_notice(form: IndicatorForm) -> str:
    """Say when the numbers follow a change of what the snapshots are computed from."""
    recomputed = {*services.DEFINITION_FIELDS, *services.SERIES_FIELDS, "is_active"}
    if not form.cleaned_data["is_active"] or not recomputed.intersection(form.changed_data):
        return ""  # an inactive indicator is not recomputed
    return " " + _(
        "Every period is redone with the new definition at the next recompute (each night), or "
        "now with “Recompute this indicator”."
    )


@permission_required("metrics.change_indicator", raise_exception=True)
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change an indicator's definition; a new definition is recomputed in full."""
    indicator = _indicator(code)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(form, indicator)
        if saved is not None:
            messages.success(request, _("Indicator saved.") + _recompute_notice(form))
            return redirect(saved)
    return render(
        request,
        "metrics/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=400 if form.is_bound and form.errors else 200,
    )


# Actions on one indicator -----------------------------------------------------------------------


@permission_required("metrics.add_limitsegment", raise_exception=True)
@require_POST
def limits_recalculate(request: HttpRequest, code: str) -> HttpResponse:
    """Restart the control limits at a period (a deliberate change to the process)."""
    indicator = _indicator(code)
    form = LimitsForm(request.POST, indicator=indicator)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.limits_recalculate(
                indicator=indicator,
                starts_on=form.cleaned_data["starts_on"],
                reason=form.cleaned_data["reason"],
                user=acting_user(request),
            )
        if call.ok:
            messages.success(
                request,
                _("New limits from the chosen period. Recompute the indicator to redraw them."),
            )
        if call.ok or call.refused:
            return redirect(indicator)
    return _render_detail(request, indicator, {"limits": form})


@permission_required("metrics.add_annotation", raise_exception=True)
@require_POST
def annotation_add(request: HttpRequest, code: str) -> HttpResponse:
    """Add a dated note, or a shaded range, to the indicator's charts."""
    indicator = _indicator(code)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.annotation_upsert(
                indicator=indicator, user=acting_user(request), **form.cleaned_data
            )
        if call.ok:
            messages.success(request, _("Annotation added to the chart."))
        if call.ok or call.refused:
            return redirect(indicator)
    return _render_detail(request, indicator, {"annotation": form})


@permission_required("metrics.add_driver", raise_exception=True)
@require_POST
def driver_declare(request: HttpRequest, code: str) -> HttpResponse:
    """Declare a leading indicator believed to move this lagging one."""
    indicator = _indicator(code)
    form = DriverForm(request.POST, indicator=indicator)
    if form.is_valid():
        with service_errors(form, request=request) as call:
            services.driver_declare(leading=form.cleaned_data["leading"], lagging=indicator)
        if call.ok:
            messages.success(
                request,
                _("Driver declared. The next recompute measures how strongly it moves %(name)s.")
                % {"name": indicator.name},
            )
        if call.ok or call.refused:
            return redirect(indicator)
    return _render_detail(request, indicator, {"driver": form})


def _report_run(request: HttpRequest, run: RecomputeRun) -> None:
    """Tell the user what became of the run they started."""
    if run.status == RecomputeRun.Status.SKIPPED:
        messages.warning(request, run.error or run.get_status_display())
    elif run.status == RecomputeRun.Status.FAILED:
        messages.error(request, _("Run %(run)s failed; see the error below.") % {"run": run.pk})
    elif run.status == RecomputeRun.Status.SUCCEEDED:
        messages.success(
            request,
            _("Run %(run)s finished: %(indicators)s indicator(s), %(cells)s cell(s) recomputed.")
            % {"run": run.pk, "indicators": run.indicators, "cells": run.cells},
        )
    else:
        messages.success(
            request,
            _("Run %(run)s started for %(indicators)s indicator(s); this page shows its progress.")
            % {"run": run.pk, "indicators": run.indicators},
        )


@permission_required("metrics.add_recomputerun", raise_exception=True)
@require_POST
def indicator_recompute(request: HttpRequest, code: str) -> HttpResponse:
    """Recompute every period of this indicator now."""
    indicator = _indicator(code)
    run = recompute_start(
        mode=RecomputeRun.Mode.FULL,
        trigger=RecomputeRun.Trigger.BUTTON,
        indicator=indicator,
        user=acting_user(request),
    )
    _report_run(request, run)
    return redirect(indicator)


# Recompute runs ---------------------------------------------------------------------------------


@permission_required("metrics.view_recomputerun", raise_exception=True)
def run_list(request: HttpRequest) -> HttpResponse:
    """List the recompute runs, newest first, with a button to start one."""
    can_start = request.user.has_perm("metrics.add_recomputerun")
    return render(
        request,
        "metrics/run_list.html",
        {
            "page_obj": page_of(request, selectors.runs_recent()),
            "form": RecomputeForm() if can_start else None,
        },
    )


@permission_required("metrics.add_recomputerun", raise_exception=True)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a recompute of what changed since the last run, or a full rebuild."""
    form = RecomputeForm(request.POST)
    full = form.is_valid() and form.cleaned_data["full"]
    run = recompute_start(
        mode=RecomputeRun.Mode.FULL if full else RecomputeRun.Mode.INCREMENTAL,
        trigger=RecomputeRun.Trigger.BUTTON,
        user=acting_user(request),
    )
    _report_run(request, run)
    return redirect("metrics:run-list")
