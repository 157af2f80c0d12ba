"""The scorecards' charts: a partner's 12-month sparkline and its trend with the band limits."""

from collections.abc import Sequence
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from core.charts import Chart, Table, cached_sparkline, figure_table, lines

from ..selectors.scorecards import MonthScore, band_limits


def month_label(month: date) -> str:
    """Return a month as the charts write it ("Jul 2026")."""
    return formats.date_format(month, "M Y")


def score_sparkline(partner_id: int, name: str, trend: Sequence[MonthScore]) -> Chart:
    """Return the compact 12-month line of a partner's score (gaps: no data)."""
    labels = [month_label(month.period) for month in trend]
    values = [month.score for month in trend]
    return Chart(
        key=f"scorecard-trend-{partner_id}",
        title=_("%(partner)s: score over 12 months") % {"partner": name},
        figure=cached_sparkline(values, labels=labels, higher_is_better=True),
        table=Table(
            columns=[_("Month"), _("Score")],
            rows=[list(pair) for pair in zip(labels, values, strict=True)],
        ),
        description=_("The score of each of the last 12 complete months, 0 to 100."),
        compact=True,
    )


def score_trend(name: str, trend: Sequence[MonthScore]) -> Chart:
    """Return a partner's score over the months with the score each standing starts from."""
    labels = [month_label(month.period) for month in trend]
    series: dict[str, list[float | None]] = {_("Score"): [month.score for month in trend]}
    for _standing, label, start in band_limits():
        series[_("%(standing)s from %(score)s") % {"standing": label, "score": start}] = [
            float(start)
        ] * len(trend)
    figure = lines(x=labels, series=series, value_label=_("Score (0-100)"))
    return Chart(
        key="scorecard-trend",
        title=_("%(partner)s: scorecard over 12 months") % {"partner": name},
        figure=figure,
        table=figure_table(figure, category=_("Month")),
        description=_(
            "The score of each of the last 12 complete months, with the scores from which the "
            "standings watch, good and excellent start; below watch is poor."
        ),
    )
