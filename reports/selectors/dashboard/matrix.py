"""The summary matrix: every indicator in scope with its stored verdicts, its values for the
chosen period, the previous one and the same one last year, a year of sparkline and its open
PDCA cycles.

Three queries whatever the history: the indicators (open cycles counted by a subquery), the count
for the pages, and one query for every row's snapshots of the page. Verdicts (status, variation,
assurance, trend) are the recompute's, read from the indicator and never worked out here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from improvement.lifecycle import OPEN_PHASES
from improvement.models import PDCACycle
from metrics.models import Indicator, Snapshot
from metrics.selectors import GROUP_ORDER

from .periods import SPARKLINE_PERIODS, Window, windows_for
from .scope import DashboardFilters, indicators_in_scope

Status = Indicator.Status
Variation = Indicator.Variation
Trend = Indicator.TrendVerdict

# Each sort's own order puts what needs attention first; "-" before a key reverses it.
STATUS_ORDER = [
    Status.RED,
    Status.AMBER,
    Status.WITHIN_TOLERANCE,
    Status.MEETS_TARGET,
    Status.NO_TARGET,
    Status.NO_DATA,
]
VARIATION_ORDER = [
    Variation.SPECIAL_DETERIORATING,
    Variation.SPECIAL_NEUTRAL,
    Variation.COMMON_CAUSE,
    Variation.SPECIAL_IMPROVING,
    Variation.NOT_ENOUGH_DATA,
]
TREND_ORDER = [Trend.DETERIORATING, Trend.NO_TREND, Trend.IMPROVING, Trend.NOT_ENOUGH_DATA]
SORT_KEYS = ("name", "status", "variation", "trend", "cycles")
DEFAULT_SORT = "name"

# Sparkline colours of the last point ("Making Data Count"), from the stored variation.
LAST_STATES: dict[str, str] = {
    Variation.SPECIAL_IMPROVING: "improving",
    Variation.SPECIAL_DETERIORATING: "concerning",
    Variation.COMMON_CAUSE: "common",
    Variation.SPECIAL_NEUTRAL: "common",
}


def ranked(field_name: str, order: list[Any]) -> Case:
    return Case(
        *[
            When(**{field_name: value}, then=Value(position))
            for position, value in enumerate(order)
        ],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def _sort_expressions() -> dict[str, Any]:
    return {
        "name": "name",
        "status": ranked("status", STATUS_ORDER),
        "variation": ranked("variation", VARIATION_ORDER),
        "trend": ranked("trend", TREND_ORDER),
        "cycles": "-open_cycles",  # most open cycles first
    }


def sort_choices() -> list[str]:
    """Return every value `?sort=` accepts: each key, and each key reversed."""
    return [*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS)]


def matrix_indicators(
    filters: DashboardFilters, *, sort: str = DEFAULT_SORT
) -> QuerySet[Indicator]:
    """Return the indicators in scope by stakeholder group, then by the chosen sort, with their
    scope names joined and their open PDCA cycles counted (`open_cycles`)."""
    open_cycles = (
        PDCACycle.objects.filter(target_indicator=OuterRef("pk"), phase__in=OPEN_PHASES)
        .order_by()
        .values("target_indicator")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        indicators_in_scope(filters)
        .select_related("journey", "touchpoint__stage__journey", "partner", "segment")
        .annotate(
            group_order=GROUP_ORDER,
            open_cycles=Coalesce(Subquery(open_cycles, output_field=IntegerField()), 0),
        )
    )
    key = sort.removeprefix("-")
    expression = _sort_expressions().get(key, "name")
    if isinstance(expression, str):
        descending = expression.startswith("-") != sort.startswith("-")
        ordering: Any = f"{'-' if descending else ''}{expression.removeprefix('-')}"
    else:
        ordering = expression.desc() if sort.startswith("-") else expression.asc()
    return rows.order_by("group_order", ordering, "name", "code")


@dataclass(frozen=True)
class Change:
    """A value against an earlier one; `better` is None when there is no verdict to give."""

    difference: float
    better: bool | None


@dataclass
class MatrixRow:
    """One indicator's line of the matrix."""

    indicator: Indicator
    window: Window
    in_progress: bool  # the chosen period has not ended: its value is "so far"
    value: float | None = None
    previous: float | None = None
    last_year: float | None = None
    sparkline_periods: list[date] = field(default_factory=list)
    sparkline_values: list[float] = field(default_factory=list)
    sparkline_states: list[str | None] = field(default_factory=list)
    last_state: str | None = None

    @property
    def period(self) -> date:
        return self.window.period

    def _change(self, earlier: float | None) -> Change | None:
        if self.value is None or earlier is None:
            return None
        difference = self.value - earlier
        better = None
        if difference and not self.in_progress:
            better = (difference > 0) == self.indicator.higher_is_better
        return Change(difference, better)

    @property
    def change_previous(self) -> Change | None:
        """Return the change since the previous period."""
        return self._change(self.previous)

    @property
    def change_last_year(self) -> Change | None:
        """Return the change since the same period last year."""
        return self._change(self.last_year)


def matrix_rows(indicators: list[Indicator], *, month: date, today: date) -> list[MatrixRow]:
    """Return the matrix's rows for these indicators, their snapshots read in one query."""
    windows = windows_for(month, today)
    by_grain: dict[str, list[int]] = defaultdict(list)
    for indicator in indicators:
        by_grain[indicator.grain].append(indicator.pk)
    condition = Q(pk__in=[])
    for grain, ids in by_grain.items():
        window = windows[grain]
        condition |= Q(indicator_id__in=ids) & (
            Q(period__gte=window.first, period__lte=window.period) | Q(period=window.last_year)
        )
    values: dict[int, dict[date, float | None]] = defaultdict(dict)
    sides: dict[int, dict[date, int]] = defaultdict(dict)
    if by_grain:
        for indicator_id, period, value, signals, center in (
            Snapshot.objects.filter(condition)
            .order_by()
            .values_list("indicator_id", "period", "value", "signals", "center")
        ):
            values[indicator_id][period] = value
            if signals and value is not None and center is not None and value != center:
                sides[indicator_id][period] = 1 if value > center else -1
    return [
        _row(indicator, windows[indicator.grain], values[indicator.pk], sides[indicator.pk])
        for indicator in indicators
    ]


def _row(
    indicator: Indicator,
    window: Window,
    values: dict[date, float | None],
    sides: dict[date, int],
) -> MatrixRow:
    """Return one indicator's row; `sides` holds its signalling periods' side of the centre."""
    row = MatrixRow(
        indicator=indicator,
        window=window,
        in_progress=window.in_progress or indicator.is_in_progress(window.period),
        value=values.get(window.period),
        previous=values.get(window.previous),
        last_year=values.get(window.last_year),
    )
    # The sparkline: the latest complete periods with a value, up to the chosen one.
    points = sorted(
        (period, value)
        for period, value in values.items()
        if window.first <= period <= window.period
        and value is not None
        and not indicator.is_in_progress(period)
        and not (window.in_progress and period == window.period)
    )[-SPARKLINE_PERIODS:]
    row.sparkline_periods = [period for period, _value in points]
    row.sparkline_values = [value for _period, value in points]
    # A stored signal's side of the centre line says whether it improves or concerns, as on the
    # indicator's control chart; a point without a signal is common cause.
    row.sparkline_states = [
        None
        if period not in sides
        else ("improving" if (sides[period] > 0) == indicator.higher_is_better else "concerning")
        for period, _value in points
    ]
    # The stored variation judges the latest complete period: it colours that point only.
    if points and points[-1][0] == indicator.latest_period:
        row.last_state = LAST_STATES.get(indicator.variation)
    return row
