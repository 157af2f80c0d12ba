"""A survey's score per week or month as core.charts draws it, its answers per period under it."""

from datetime import date

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from core.charts import PALETTE, SYMBOLS, Chart, Table, comparison_bars, lines
from core.charts.axes import tick_format, x_range

from .models import Survey
from .selectors.survey_trends import WEEK, Trend, TrendPoint
from .selectors.surveys import ANONYMITY_THRESHOLD

IN_PROGRESS = "so far"
# What each kind's score is, on the axis and in the table, and the range its axis always shows
# (the whole scale, so that two surveys' charts compare at a glance).
SCORES = {
    Survey.Kind.NPS: ("NPS", (-100, 100)),
    Survey.Kind.ENPS: ("eNPS", (-100, 100)),
    Survey.Kind.CSAT: ("% satisfied (4-5)", (0, 100)),
    Survey.Kind.CES: ("Mean effort score (1-7)", (1, 7)),
}


def period_label(period: date, grain: str) -> str:
    """Return a period as people name it: "Mar 2026" or "week of 2 Mar 2026"."""
    month = str(MONTHS_3[period.month]).capitalize()
    if grain == WEEK:
        return _("week of %(day)s") % {"day": f"{period.day} {month} {period.year}"}
    return f"{month} {period.year}"


def shown_score(kind: str, score: float | None) -> float | None:
    """Return a score as the chart and its table show it: 1 decimal, 2 for a CES mean."""
    if score is None:
        return None
    return round(score, 2 if kind == Survey.Kind.CES else 1)


def _note(point: TrendPoint) -> str:
    if point.hidden and point.answers < ANONYMITY_THRESHOLD:
        return _("fewer than %(threshold)d answers: no score, to protect anonymity") % {
            "threshold": ANONYMITY_THRESHOLD
        }
    if point.hidden:
        return _("no score: with the overall eNPS it would give away a smaller month's answers")
    if not point.answers:
        return _("no answers")
    if point.in_progress:
        return _("in progress: not judged")
    return ""


def trend_chart(survey: Survey, trend: Trend) -> Chart | None:
    """Return the survey's score per period (the period in progress drawn apart, a period
    without a score left as a gap) with its answers per period under it; None without periods."""
    points = trend.points
    if not points:
        return None
    kind, grain = survey.kind, trend.grain
    label, (low, high) = SCORES[Survey.Kind(kind)]
    periods = [point.period for point in points]
    names = [period_label(point.period, grain) for point in points]
    scores = [shown_score(kind, point.score) for point in points]
    answers = [point.answers for point in points]
    series = {label: [None if p.in_progress else s for p, s in zip(points, scores, strict=True)]}
    so_far = [s if p.in_progress else None for p, s in zip(points, scores, strict=True)]
    if any(value is not None for value in so_far):
        series[_("So far (period in progress)")] = so_far
    figure = lines(x=periods, series=series, value_label=label)
    axis = {
        "type": "date",
        "tickformat": tick_format(grain),
        "range": x_range(periods[0], periods[-1], grain),
        "nticks": 12,
    }
    figure.update_layout(
        height=320,
        xaxis=axis,
        yaxis={"range": [low - (high - low) * 0.05, high + (high - low) * 0.05]},
        meta={"narrow": {"height": 260, "xaxis.nticks": 4}},
    )
    hover = "%{customdata[0]}<br>%{fullData.name}: %{y:.4~g}<br>%{customdata[1]} answers"
    for trace in figure.data:
        trace.update(
            customdata=[[name, count] for name, count in zip(names, answers, strict=True)],
            hovertemplate=hover + "<extra></extra>",
        )
    if len(figure.data) > 1:
        # The period in progress as the control charts draw it: hollow, grey, labelled.
        figure.data[1].update(
            mode="markers+text",
            text=[IN_PROGRESS if value is not None else "" for value in so_far],
            textposition="top center",
            textfont={"size": 11, "color": PALETTE["line"]},
            cliponaxis=False,
            marker={
                "symbol": SYMBOLS["in_progress"],
                "color": PALETTE["line"],
                "size": 10,
                "line": {"color": PALETTE["line"], "width": 2},
            },
        )
    below = comparison_bars(labels=names, series={_("Answers"): answers}, value_label=_("Answers"))
    below.update_traces(
        x=periods, customdata=names, hovertemplate="%{customdata}: %{y} answers<extra></extra>"
    )
    below.update_layout(
        height=150,
        margin={"t": 8},
        xaxis=axis,
        meta={"narrow": {"height": 130, "xaxis.nticks": 4}},
    )
    period_column = _("Week of") if grain == WEEK else _("Month")
    table = Table(
        columns=[period_column, label, _("Answers"), _("Note")],
        rows=[
            [
                names[index],
                scores[index],
                point.answers,
                _note(point),
            ]
            for index, point in enumerate(points)
        ],
    )
    grain_word = _("week") if grain == WEEK else _("month")
    return Chart(
        key="survey-trend",
        title=_("%(name)s: %(score)s per %(grain)s")
        % {"name": survey.name, "score": label, "grain": grain_word},
        figure=figure,
        table=table,
        description=_(
            "%(score)s of each %(grain)s with its number of answers under it; a %(grain)s "
            "without answers is left blank and the one in progress is marked so far. The "
            "numbers are in the table under the chart."
        )
        % {"score": label, "grain": grain_word},
        below=Chart(
            key="survey-trend-answers",
            title=_("Answers per %(grain)s") % {"grain": grain_word},
            figure=below,
            table=Table(columns=[], rows=[]),  # its numbers are in the score chart's table
        ),
    )
