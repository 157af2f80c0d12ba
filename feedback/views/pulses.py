"""The pulses of a recurring survey: results per pulse, their trend and (eNPS) per department.

Read by whoever reads the survey's results (`feedback.view_surveyresponse`), with the same
anonymity rules: a pulse, or a department within one, with fewer answers than the threshold shows
no score, in the table, the chart and its CSV alike.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.translation import gettext as _

from core.charts import PALETTE, SYMBOLS, Chart, Table, lines
from core.pagination import page_of

from ..models import Survey
from ..selectors.pulses import (
    SCORE_LABELS,
    PulseResult,
    pulse_periods,
    pulse_results,
)
from ..selectors.surveys import ANONYMITY_THRESHOLD

# Pulses a page shows (and its chart draws): two years of six-weekly pulses, a quarter of weekly.
PULSES_PER_PAGE = 16
# The least span of the trend's value axis per kind: a tenth of each scale (NPS -100..100, CSAT
# 0..100 %, CES 1..7 rounded up).
MIN_SPAN = {Survey.Kind.NPS: 20, Survey.Kind.ENPS: 20, Survey.Kind.CSAT: 10, Survey.Kind.CES: 1}


def pulse_label(result: PulseResult) -> str:
    """Return a pulse as the chart and the table name it: the day it opened."""
    return formats.date_format(result.starts_on, "j M Y")


def _fewer() -> str:
    return _("fewer than %(threshold)d answers") % {"threshold": ANONYMITY_THRESHOLD}


def pulse_trend_chart(survey: Survey, results: Sequence[PulseResult]) -> Chart:
    """Return the score of each pulse, oldest first; the pulse in progress drawn apart (open
    marker, no line to it), a pulse under the anonymity threshold a gap."""
    ordered = sorted(results, key=lambda result: result.starts_on)
    labels = [pulse_label(result) for result in ordered]
    label = SCORE_LABELS[Survey.Kind(survey.kind)]
    closed = [None if result.in_progress else result.score for result in ordered]
    running = [result.score if result.in_progress else None for result in ordered]
    series: dict[str, list[float | None]] = {label: closed}
    if any(value is not None for value in running):
        series[_("In progress (no verdict yet)")] = running
    figure = lines(x=labels, series=series, value_label=label)
    figure.update_xaxes(type="category", title={"text": _("Pulse opened")})
    if len(figure.data) > 1:
        figure.data[1].update(
            mode="markers",
            marker={"color": PALETTE["muted"], "size": 10, "symbol": SYMBOLS["in_progress"]},
        )
    scores = [result.score for result in ordered if result.score is not None]
    if scores:
        # Two points apart on a -100..100 scale are not a cliff: the axis spans at least
        # MIN_SPAN around the scores.
        span = MIN_SPAN[Survey.Kind(survey.kind)]
        low, high = min(scores), max(scores)
        if high - low < span:
            middle = (low + high) / 2
            low, high = middle - span / 2, middle + span / 2
        margin = (high - low) * 0.1
        figure.update_yaxes(range=[low - margin, high + margin])
    for result, x in zip(ordered, labels, strict=True):
        if result.hidden:
            figure.add_annotation(
                x=x,
                y=0,
                yref="paper",
                yanchor="bottom",
                text=f"&lt; {ANONYMITY_THRESHOLD}",
                hovertext=_fewer(),
                showarrow=False,
                font={"size": 11, "color": PALETTE["muted"]},
            )
    rows: list[list[Any]] = []
    for result, x in zip(ordered, labels, strict=True):
        if result.hidden:
            score: Any = _fewer()
        else:
            score = result.score
        state = _("in progress") if result.in_progress else _("closed")
        rows.append([x, score, result.answers, state])
    return Chart(
        key="pulse-trend",
        title=_("%(survey)s: %(score)s per pulse") % {"survey": survey.name, "score": label},
        figure=figure,
        table=Table(columns=[_("Pulse opened"), label, _("Answers"), _("State")], rows=rows),
        description=_(
            "The score of each pulse, oldest first. The pulse in progress is drawn apart and is "
            "not judged; a pulse with fewer than %(threshold)d answers has no score."
        )
        % {"threshold": ANONYMITY_THRESHOLD},
    )


def _department_rows(results: Sequence[PulseResult]) -> list[dict[str, Any]]:
    """Return the pulses with a score, each with its departments (name, what it shows)."""
    return [
        {
            "result": result,
            "named": [(department.name, department) for department in result.departments],
        }
        for result in results
        if result.score is not None and result.departments
    ]


@permission_required("feedback.view_surveyresponse", raise_exception=True)
def survey_pulses(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a recurring survey's pulses: score, answers and participation per pulse, the trend,
    and (eNPS) each department's score per pulse."""
    survey = get_object_or_404(Survey, pk=pk)
    page = page_of(request, pulse_periods(survey), size=PULSES_PER_PAGE)
    results = pulse_results(survey, list(page.object_list))
    chart = pulse_trend_chart(survey, results) if results else None
    return render(
        request,
        "feedback/surveys/pulses.html",
        {
            "survey": survey,
            "results": results,
            "page_obj": page,
            "chart": chart,
            "score_label": SCORE_LABELS[Survey.Kind(survey.kind)],
            "threshold": ANONYMITY_THRESHOLD,
            "departments": {"rows": _department_rows(results)}
            if survey.is_employee_survey
            else None,
        },
    )
