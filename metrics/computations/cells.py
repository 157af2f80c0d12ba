"""Cells (one value per period) and the grouped queries that make them inside the database."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Aggregate,
    FloatField,
    Func,
    QuerySet,
)

from ..models import Indicator
from ..periods import (
    in_ranges,
    ranges_of,
    truncate,
)

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer


@dataclass
class Cell:
    """One indicator's aggregate for one period, as the snapshot stores it."""

    period: date
    value: float | None
    n: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    spread: float | None = None
    margin_of_error: float | None = None
    low: float | None = None
    high: float | None = None
    rows: int = 0


@dataclass
class Result:
    """The cells of the requested periods that have data, and how many source rows were read."""

    cells: list[Cell] = field(default_factory=list)
    rows_scanned: int = 0


class Median(Aggregate):
    """The median of an expression (PostgreSQL's percentile_cont; SQLite has none)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class HoursBetween(Func):
    """The hours from one timestamp to a later one, as a float (SQLite's form by default)."""

    output_field = FloatField()
    arity = 2
    template = "(julianday(%(expressions)s)) * 24.0"
    arg_joiner = ") - julianday("

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0",
            arg_joiner=" - ",
            **extra_context,
        )


def _ratio(numerator: float, denominator: float, scale: float) -> float | None:
    return numerator / denominator * scale if denominator else None


def _grouped(
    queryset: QuerySet[Any],
    date_field: str,
    grain: str,
    periods: list[date] | None,
    *,
    is_datetime: bool = True,
    **aggregates: Any,
) -> list[dict[str, Any]]:
    """Aggregate rows per period of the grain, over the requested periods (None: all)."""
    if periods is not None:
        if not periods:
            return []
        queryset = queryset.filter(
            in_ranges(date_field, ranges_of(periods, grain), is_datetime=is_datetime)
        )
    # "bucket", not "period": observations have a field of that name.
    rows = (
        queryset.annotate(bucket=truncate(date_field, grain, is_datetime=is_datetime))
        .values("bucket")
        .annotate(**aggregates)
        .order_by("bucket")
    )
    return [{**row, "period": row["bucket"]} for row in rows]
