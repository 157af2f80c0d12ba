"""Computations over feedback records and observations: scores, complaints, audits, ideas."""

import math
import statistics
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)

from core.changes import local_day
from feedback.models import Complaint, SurveyResponse
from stakeholders.models import CustomerActivity

from ..models import Indicator, Observation
from ..periods import (
    in_ranges,
    period_start,
    ranges_of,
    truncate,
)
from .answers import answered_where, net_promoter_cell
from .cells import Cell, HoursBetween, Median, Result, _grouped, _ratio
from .definitions import PER_THOUSAND, PERCENT

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer


def _responses(indicator: Indicator, kind: str) -> QuerySet[SurveyResponse]:
    queryset = answered_where(SurveyResponse.objects.filter(survey__kind=kind), indicator)
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _complaints(indicator: Indicator) -> QuerySet[Complaint]:
    queryset = Complaint.objects.all()
    if indicator.journey_id:
        queryset = queryset.filter(journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(owner_partner_id=indicator.partner_id)
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _activities(indicator: Indicator) -> QuerySet[CustomerActivity]:
    # Activities carry no journey or touchpoint: only a segment narrows them.
    queryset = CustomerActivity.objects.all()
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _by_touchpoint(queryset: QuerySet[Any], indicator: Indicator) -> QuerySet[Any]:
    if indicator.journey_id:
        queryset = queryset.filter(touchpoint__stage__journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(touchpoint__owner_partner_id=indicator.partner_id)
    return queryset


def _net_promoter(indicator: Indicator, periods: list[date] | None, kind: str) -> Result:
    rows = _grouped(
        _responses(indicator, kind),
        "responded_at",
        indicator.grain,
        periods,
        total=Count("id"),
        promoters=Count("id", filter=Q(score__gte=9)),
        detractors=Count("id", filter=Q(score__lte=6)),
    )
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        cell = net_promoter_cell(
            row["period"],
            total=row["total"],
            promoters=row["promoters"],
            detractors=row["detractors"],
            kind=kind,
        )
        if cell is not None:
            result.cells.append(cell)
    return result


def _share(
    queryset: QuerySet[Any],
    date_field: str,
    indicator: Indicator,
    periods: list[date] | None,
    *,
    counted: Q,
    base: Q,
) -> Result:
    """Percent of the base rows in each period that meet a condition (a p-chart statistic)."""
    rows = _grouped(
        queryset,
        date_field,
        indicator.grain,
        periods,
        total=Count("id"),
        hits=Count("id", filter=base & counted),
        base=Count("id", filter=base),
    )
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        if row["base"]:
            result.cells.append(
                Cell(
                    period=row["period"],
                    value=_ratio(row["hits"], row["base"], PERCENT),
                    n=row["base"],
                    numerator=row["hits"],
                    denominator=row["base"],
                    rows=row["total"],
                )
            )
    return result


def _mean(
    queryset: QuerySet[Any],
    date_field: str,
    expression: Any,
    indicator: Indicator,
    periods: list[date] | None,
    *,
    is_datetime: bool = True,
) -> Result:
    rows = _grouped(
        queryset,
        date_field,
        indicator.grain,
        periods,
        is_datetime=is_datetime,
        total=Count("id"),
        mean=Avg(expression, output_field=FloatField()),
        low=Min(expression),
        high=Max(expression),
    )
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        result.cells.append(
            Cell(
                period=row["period"],
                value=float(row["mean"]),
                n=row["total"],
                spread=float(row["high"]) - float(row["low"]),
                rows=row["total"],
            )
        )
    return result


def _count(
    queryset: QuerySet[Any],
    date_field: str,
    indicator: Indicator,
    periods: list[date] | None,
) -> Result:
    rows = _grouped(queryset, date_field, indicator.grain, periods, total=Count("id"))
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        result.cells.append(
            Cell(
                period=row["period"],
                value=float(row["total"]),
                numerator=row["total"],
                rows=row["total"],
            )
        )
    return result


def _median_hours(
    indicator: Indicator, periods: list[date] | None, *, start: str, end: str
) -> Result:
    queryset = _complaints(indicator).filter(**{f"{end}__isnull": False})
    hours = HoursBetween(F(end), F(start))
    result = Result()
    if connection.vendor == "postgresql":
        rows = _grouped(
            queryset, start, indicator.grain, periods, total=Count("id"), median=Median(hours)
        )
        for row in rows:
            result.rows_scanned += row["total"]
            result.cells.append(
                Cell(period=row["period"], value=row["median"], n=row["total"], rows=row["total"])
            )
        return result
    # SQLite has no median aggregate: the embedded default reads the hours of each period.
    if periods is not None:
        if not periods:
            return result
        queryset = queryset.filter(
            in_ranges(start, ranges_of(periods, indicator.grain), is_datetime=True)
        )
    per_period: dict[date, list[float]] = defaultdict(list)
    for period, value in queryset.annotate(
        bucket=truncate(start, indicator.grain, is_datetime=True), hours=hours
    ).values_list("bucket", "hours"):
        per_period[period].append(value)
    for period in sorted(per_period):
        values = per_period[period]
        result.rows_scanned += len(values)
        result.cells.append(
            Cell(
                period=period,
                value=statistics.median(values),
                n=len(values),
                rows=len(values),
            )
        )
    return result


def _complaint_rate(indicator: Indicator, periods: list[date] | None) -> Result:
    complaints = {
        row["period"]: row["total"]
        for row in _grouped(
            _complaints(indicator), "received_at", indicator.grain, periods, total=Count("id")
        )
    }
    activities = {
        row["period"]: row["total"]
        for row in _grouped(
            _activities(indicator), "occurred_at", indicator.grain, periods, total=Count("id")
        )
    }
    result = Result(rows_scanned=sum(complaints.values()) + sum(activities.values()))
    # Before the first complaint on record the complaint log did not exist yet: no rate, not 0.
    first = _complaints(indicator).order_by("received_at").values_list("received_at", flat=True)
    started = first.first()
    if started is None:
        return result
    log_began = period_start(local_day(started), indicator.grain)
    for period in sorted(activities):
        if period < log_began:
            continue
        count, base = complaints.get(period, 0), activities[period]
        result.cells.append(
            Cell(
                period=period,
                value=_ratio(count, base, PER_THOUSAND),
                n=base,
                numerator=count,
                denominator=base,
                rows=count + base,
            )
        )
    return result


def _observed(indicator: Indicator, periods: list[date] | None) -> Result:
    rows = _grouped(
        Observation.objects.filter(indicator=indicator),
        "period",
        indicator.grain,
        periods,
        is_datetime=False,
        total=Count("id"),
        mean=Avg("value"),
        total_value=Sum("value"),
        total_n=Sum("n"),
        low=Min("value"),
        high=Max("value"),
    )
    chart = indicator.chart_type
    result = Result()
    for row in rows:
        total = row["total"]
        result.rows_scanned += total
        cell = Cell(period=row["period"], value=row["mean"], n=total, rows=total)
        if chart in (ChartType.P, ChartType.U):
            cell.numerator, cell.denominator = row["total_value"], row["total_n"] or 0.0
            cell.n = cell.denominator
            scale = PERCENT if chart == ChartType.P else 1.0
            cell.value = _ratio(cell.numerator, cell.denominator, scale)
        elif chart == ChartType.C:
            cell.value = cell.numerator = row["total_value"]
        elif chart == ChartType.XBAR_R:
            cell.spread = row["high"] - row["low"]
        if cell.value is not None and math.isfinite(cell.value):
            result.cells.append(cell)
    return result
