"""The survey computations summed from feedback's per-day answer counts instead of the answers.

Every write of answers keeps feedback's SurveyDay in step: one row per survey, local day,
department, journey and touchpoint with the answers per score (0-10). A period of any grain is a
union of local days, so summing its rows gives exactly the counts the answers give: NPS and eNPS
(promoters 9-10, detractors 0-6), CSAT (the share scoring 4 or 5) and CES (the mean, lowest and
highest score, from the total and the per-score counts). A run reads a few rows per day instead
of every answer, and every indicator reads the same small table: the recompute's cost follows
the days, not the answers.

What the rows do not keep is the customer's segment (a customer moves between segments, and an
answer counts in the one its customer is in now): an indicator narrowed to a segment reads the
answers (`records`).
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from feedback.models import Survey, SurveyDay
from feedback.selectors import ANONYMITY_THRESHOLD, day_count_sums, day_counts

from ..models import Indicator
from ..nps import nps_from_counts
from .cells import Cell, Result, _grouped, _ratio
from .definitions import PERCENT

Computation = Indicator.Computation

SURVEY_KINDS: dict[str, str] = {
    Computation.NPS: Survey.Kind.NPS,
    Computation.ENPS: Survey.Kind.ENPS,
    Computation.CSAT: Survey.Kind.CSAT,
    Computation.CES: Survey.Kind.CES,
}


def reads_survey_days(indicator: Indicator) -> bool:
    """Whether the indicator's cells are summed from the per-day answer counts (SurveyDay)."""
    return indicator.computation in SURVEY_KINDS and not indicator.segment_id


def answered_where(queryset: QuerySet[Any], indicator: Indicator) -> QuerySet[Any]:
    """Narrow answers, or their day counts, to the indicator's journey, touchpoint and partner
    (the partner whose touchpoints they were given at)."""
    if indicator.journey_id:
        queryset = queryset.filter(journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(touchpoint__owner_partner_id=indicator.partner_id)
    return queryset


def _survey_days(indicator: Indicator, kind: str) -> QuerySet[SurveyDay]:
    return answered_where(SurveyDay.objects.filter(survey__kind=kind), indicator)


def _period_counts(indicator: Indicator, periods: list[date] | None) -> list[dict[str, Any]]:
    """Return per period the day counts summed as the survey pages sum them (`day_counts`:
    answers, score total, per score, promoters and detractors, satisfied)."""
    rows = _grouped(
        _survey_days(indicator, SURVEY_KINDS[indicator.computation]),
        "day",
        indicator.grain,
        periods,
        is_datetime=False,
        **day_count_sums(),
    )
    return [{"period": row["period"], **day_counts(row)} for row in rows]


def net_promoter_cell(
    period: date, *, total: int, promoters: int, detractors: int, kind: str
) -> Cell | None:
    """Return a period's NPS or eNPS cell (None: too few employees' answers to show)."""
    if kind == Survey.Kind.ENPS and total < ANONYMITY_THRESHOLD:
        # Fewer employees' answers could be told apart: the period has no eNPS, as on the
        # survey's page.
        return None
    summary = nps_from_counts(promoters, total - promoters - detractors, detractors)
    return Cell(
        period=period,
        value=summary.score,
        n=total,
        numerator=promoters - detractors,
        denominator=total,
        margin_of_error=summary.margin_of_error,
        low=summary.low,
        high=summary.high,
        rows=total,
    )


def survey_cells(indicator: Indicator, periods: list[date] | None) -> Result:
    """Return the survey indicator's cells for the periods (None: all), from SurveyDay."""
    computation = indicator.computation
    result = Result()
    for row in _period_counts(indicator, periods):
        total = row["answers"]
        result.rows_scanned += total
        cell: Cell | None
        if computation in (Computation.NPS, Computation.ENPS):
            cell = net_promoter_cell(
                row["period"],
                total=total,
                promoters=row["nps_good"],
                detractors=row["nps_bad"],
                kind=SURVEY_KINDS[computation],
            )
        elif computation == Computation.CSAT:
            cell = Cell(
                period=row["period"],
                value=_ratio(row["csat_good"], total, PERCENT),
                n=total,
                numerator=row["csat_good"],
                denominator=total,
                rows=total,
            )
        else:  # CES: the mean score, and the range between the lowest and highest given
            given = [score for score, count in enumerate(row["per_score"]) if count]
            cell = Cell(
                period=row["period"],
                value=row["average"],
                n=total,
                spread=float(given[-1] - given[0]),
                rows=total,
            )
        if cell is not None:
            result.cells.append(cell)
    return result
