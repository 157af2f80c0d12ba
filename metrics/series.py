"""The series pass: control limits, signals, trend, status and alerts from an indicator's snapshots.

It reads only the aggregated series (one row per period, hundreds at most) into pandas, never
source rows, and writes back only what changed, so a second pass on the same data writes nothing.
"""

import math
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.bulk import bulk_update_rows

from . import control_charts, rules
from .alert_evaluation import rule_alerts
from .models import Alert, Indicator, Snapshot
from .periods import open_period
from .trends import mann_kendall

if TYPE_CHECKING:  # pandas is imported where the work needs it, not when the site starts
    import pandas as pd

ChartType = Indicator.ChartType
TREND_PERIODS = 12  # the trend reads the last year of months (or 12 weeks, 12 days)
TREND_SIGNIFICANCE = 0.05
ALERT_RECENT_PERIODS = 2  # signals on older periods are history, not news: no e-mail for them
# Complete periods a segment needs before it has limits (an XmR chart needs one moving range).
MINIMUM_COMPLETE = {ChartType.XMR: 2}
SIGNIFICANT_DIGITS = 12  # stored floats are rounded so that equal data gives equal rows


def rounded(value: float | None) -> float | None:
    """Return a float rounded to SIGNIFICANT_DIGITS (None and non-finite values as None)."""
    if value is None or not math.isfinite(value):
        return None
    if value == 0:
        return 0.0
    digits = SIGNIFICANT_DIGITS - math.floor(math.log10(abs(value))) - 1
    return round(value, digits)


@dataclass
class PointChart:
    """The chart values the series pass computes for one snapshot."""

    segment: int
    center: float | None
    ucl: float | None
    lcl: float | None
    sigma: float | None
    signals: list[str]
    sides: list[int]


def _scale(indicator: Indicator) -> float:
    """Return the factor from the chart's statistic to the snapshot's value (p charts: percent)."""
    return 100.0 if indicator.chart_type == ChartType.P else 1.0


def _units_per(indicator: Indicator) -> float:
    """Return how many counted activities make one unit of a u chart (rates per 1,000)."""
    return 1000.0 if indicator.computation == Indicator.Computation.COMPLAINT_RATE else 1.0


def _segment_chart(
    indicator: Indicator, frame: "pd.DataFrame", baseline: int
) -> control_charts.Chart:
    """Compute the chart of one calibration segment (rows with a value, in period order)."""
    chart_type = indicator.chart_type
    if chart_type == ChartType.XMR:
        return control_charts.xmr_chart(frame["value"].tolist(), baseline=baseline)
    if chart_type == ChartType.XBAR_R:
        return control_charts.xbar_r_chart(
            frame["value"].tolist(),
            frame["spread"].fillna(0.0).tolist(),
            [int(size) for size in frame["n"].fillna(0)],
            baseline=baseline,
        )
    if chart_type == ChartType.P:
        return control_charts.p_chart(
            frame["numerator"].tolist(), frame["denominator"].tolist(), baseline=baseline
        )
    if chart_type == ChartType.C:
        return control_charts.c_chart(frame["value"].tolist(), baseline=baseline)
    if chart_type == ChartType.U:
        units = (frame["denominator"] / _units_per(indicator)).tolist()
        return control_charts.u_chart(frame["numerator"].tolist(), units, baseline=baseline)
    raise ValueError(f"Unknown chart type {chart_type!r}.")


def _segments(indicator: Indicator, frame: "pd.DataFrame") -> "list[pd.DataFrame]":
    """Split the series at each limit recalculation (the old segments keep their limits)."""
    starts = sorted(indicator.limit_segments.values_list("starts_on", flat=True))
    edges = [date.min, *starts, date.max]
    pieces = []
    for first, after in pairwise(edges):
        piece = frame[(frame["period"] >= first) & (frame["period"] < after)]
        if len(piece):
            pieces.append(piece)
    return pieces


def _chart_points(
    indicator: Indicator, frame: "pd.DataFrame", complete_before: date
) -> tuple[dict[int, PointChart], dict[str, Any]]:
    """Return each snapshot's limits and signals, and the chart summary of the series.

    Only complete periods calibrate the limits and are tested against the rules: a period in
    progress (from `complete_before` on) is drawn against its segment's limits, with no signal.
    """
    scale = _scale(indicator)
    rule_names = rules.RULE_SETS[indicator.rule_set]
    minimum = MINIMUM_COMPLETE.get(ChartType(indicator.chart_type), 1)
    points: dict[int, PointChart] = {}
    summaries: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, piece in enumerate(_segments(indicator, frame)):
        complete = int((piece["period"] < complete_before).sum())
        baseline = complete
        if indicator.baseline_periods is not None:
            baseline = min(indicator.baseline_periods, complete)
        try:
            if complete < minimum:
                raise ValueError(
                    _(
                        "Control limits need at least %(minimum)s complete periods; "
                        "this segment has %(count)s."
                    )
                    % {"minimum": minimum, "count": complete}
                )
            chart = _segment_chart(indicator, piece, baseline)
        except ValueError as error:
            problems.append(str(error))
            for snapshot_id in piece["id"]:
                points[snapshot_id] = PointChart(number, None, None, None, None, [], [])
            continue
        centers = [limits.center for limits in chart.points]
        sigmas = [limits.sigma for limits in chart.points]
        found = rules.detect(
            chart.values[:complete], centers[:complete], sigmas[:complete], rule_names
        )
        found += [[] for _ in range(len(chart.points) - complete)]
        for snapshot_id, limits, signals in zip(piece["id"], chart.points, found, strict=True):
            points[snapshot_id] = PointChart(
                segment=number,
                center=rounded(limits.center * scale),
                ucl=_scaled(limits.ucl, scale),
                lcl=_scaled(limits.lcl, scale),
                sigma=_scaled(limits.sigma, scale),
                signals=[signal.rule for signal in signals],
                sides=[signal.side for signal in signals],
            )
        secondary = None
        if chart.secondary is not None:
            secondary = {
                "center": rounded(chart.secondary.center),
                "ucl": rounded(chart.secondary.ucl),
                "lcl": rounded(chart.secondary.lcl),
            }
        summaries.append(
            {
                "starts_on": piece["period"].iloc[0].isoformat(),
                "center": _scaled(chart.center, scale),
                "ucl": _scaled(chart.ucl, scale),
                "lcl": _scaled(chart.lcl, scale),
                "sigma": _scaled(chart.sigma, scale),
                "secondary": secondary,
                "secondary_values": [rounded(value) for value in chart.secondary_values],
                "periods": [period.isoformat() for period in piece["period"]],
            }
        )
    summary: dict[str, Any] = {"segments": summaries}
    if summaries:
        last = summaries[-1]
        summary.update({key: last[key] for key in ("center", "ucl", "lcl", "sigma", "secondary")})
    if problems:
        summary["problem"] = problems[-1]
    return points, summary


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else rounded(value * scale)


def _worse(indicator: Indicator, value: float, threshold: float) -> bool:
    return value < threshold if indicator.higher_is_better else value > threshold


def status_of(indicator: Indicator, value: float | None) -> str:
    """Return where a value stands against the indicator's target and thresholds.

    Meets target: at the target or better. Misses target (within tolerance): worse than the
    target but not worse than "amber from". Amber: worse than "amber from" (the target when it is
    empty) but not worse than "red from". Red: worse than "red from".
    """
    if value is None:
        return Indicator.Status.NO_DATA
    if indicator.target is None:
        return Indicator.Status.NO_TARGET
    if not _worse(indicator, value, indicator.target):
        return Indicator.Status.MEETS_TARGET
    if indicator.red_threshold is not None and _worse(indicator, value, indicator.red_threshold):
        return Indicator.Status.RED
    amber_from = indicator.amber_threshold
    if amber_from is not None and not _worse(indicator, value, amber_from):
        return Indicator.Status.WITHIN_TOLERANCE
    return Indicator.Status.AMBER


def variation_of(indicator: Indicator, point: PointChart | None) -> str:
    """Return the "Making Data Count" verdict from the latest point's signals."""
    if point is None or point.center is None:
        return Indicator.Variation.NOT_ENOUGH_DATA
    sided = [side for side in point.sides if side]
    if not point.signals:
        return Indicator.Variation.COMMON_CAUSE
    if not sided:
        return Indicator.Variation.SPECIAL_NEUTRAL
    up = sided[0] > 0
    if up == indicator.higher_is_better:
        return Indicator.Variation.SPECIAL_IMPROVING
    return Indicator.Variation.SPECIAL_DETERIORATING


def assurance_between(lower: float, upper: float, *, target: float, higher_is_better: bool) -> str:
    """Return where a band of values (a process's limits) sits against a target.

    When the whole band is at the target or better, the process consistently passes it; when
    the whole band is worse, it consistently fails it; when the target lies inside the band,
    hitting it is a matter of chance (hit and miss). "At the target" counts as meeting it, as the
    status does. The Check of a PDCA cycle judges its after window by the same rule.
    """
    worst, best = (lower, upper) if higher_is_better else (upper, lower)
    better_or_equal = worst >= target if higher_is_better else worst <= target
    if better_or_equal:
        return Indicator.Assurance.PASSING
    if best < target if higher_is_better else best > target:
        return Indicator.Assurance.FAILING
    return Indicator.Assurance.HIT_AND_MISS


def assurance_of(indicator: Indicator, point: PointChart | None) -> str:
    """Return the "Making Data Count" assurance: where the latest complete point's process
    limits sit against the target (`assurance_between`). A missing lower (upper) limit is
    unbounded."""
    if indicator.target is None:
        return Indicator.Assurance.NO_TARGET
    if point is None or point.center is None:
        return Indicator.Assurance.NOT_ENOUGH_DATA
    return assurance_between(
        point.lcl if point.lcl is not None else -math.inf,
        point.ucl if point.ucl is not None else math.inf,
        target=indicator.target,
        higher_is_better=indicator.higher_is_better,
    )


def trend_of(indicator: Indicator, values: list[float]) -> tuple[str, float | None, float | None]:
    """Return the trend verdict, slope per period and p-value over the last TREND_PERIODS."""
    trend = mann_kendall(values[-TREND_PERIODS:])
    if trend is None:
        return Indicator.TrendVerdict.NOT_ENOUGH_DATA, None, None
    slope, p_value = rounded(trend.slope), rounded(trend.p_value)
    if trend.p_value >= TREND_SIGNIFICANCE or trend.s == 0:
        return Indicator.TrendVerdict.NO_TREND, slope, p_value
    rising = trend.s > 0
    if rising == indicator.higher_is_better:
        return Indicator.TrendVerdict.IMPROVING, slope, p_value
    return Indicator.TrendVerdict.DETERIORATING, slope, p_value


CHART_FIELDS = ("segment", "center", "ucl", "lcl", "sigma", "signals")


@transaction.atomic
def series_refresh(indicator: Indicator, *, today: date | None = None) -> list[Alert]:
    """Recompute limits, signals, trend and status from the snapshots; return new alerts (the
    owner's, and those of the alert rules in the indicator's scope).

    Verdicts read complete periods only: the period holding `today` (the organisation's local
    date) and any later one are in progress and are stored as such, not judged.
    """
    import pandas as pd

    complete_before = open_period(indicator.grain, today)
    status_before = indicator.status  # alert rules fire on a status turning amber or red
    snapshots = list(indicator.snapshots.order_by("period"))
    valued = [snapshot for snapshot in snapshots if snapshot.value is not None]
    frame = pd.DataFrame(
        {
            "id": [snapshot.pk for snapshot in valued],
            "period": [snapshot.period for snapshot in valued],
            "value": pd.Series([snapshot.value for snapshot in valued], dtype="float64"),
            "n": pd.Series([snapshot.n for snapshot in valued], dtype="float64"),
            "numerator": pd.Series([snapshot.numerator for snapshot in valued], dtype="float64"),
            "denominator": pd.Series(
                [snapshot.denominator for snapshot in valued], dtype="float64"
            ),
            "spread": pd.Series([snapshot.spread for snapshot in valued], dtype="float64"),
        }
    )
    points, summary = (
        _chart_points(indicator, frame, complete_before) if len(frame) else ({}, {"segments": []})
    )
    changed = []
    for snapshot in snapshots:
        point = points.get(snapshot.pk) or PointChart(0, None, None, None, None, [], [])
        fields = {
            "segment": point.segment,
            "center": point.center,
            "ucl": point.ucl,
            "lcl": point.lcl,
            "sigma": point.sigma,
            "signals": point.signals,
        }
        if any(getattr(snapshot, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(snapshot, name, value)
            changed.append(snapshot)
    bulk_update_rows(Snapshot, changed, CHART_FIELDS)

    complete = [snapshot for snapshot in valued if snapshot.period < complete_before]
    current = next((s for s in valued if s.period == complete_before), None)
    latest = complete[-1] if complete else None
    verdict, slope, p_value = trend_of(indicator, [snapshot.value for snapshot in complete])  # type: ignore[misc]
    state: dict[str, Any] = {
        "status": status_of(indicator, latest.value if latest else None),
        "variation": variation_of(indicator, points.get(latest.pk) if latest else None),
        "assurance": assurance_of(indicator, points.get(latest.pk) if latest else None),
        "trend": verdict,
        "trend_slope": slope,
        "trend_p_value": p_value,
        "latest_period": latest.period if latest else None,
        "latest_value": latest.value if latest else None,
        "current_period": current.period if current else None,
        "current_value": current.value if current else None,
        "current_n": current.n if current else None,
        "complete_before": complete_before,
        "chart_summary": summary,
    }
    if any(getattr(indicator, name) != value for name, value in state.items()):
        Indicator.objects.filter(pk=indicator.pk).update(**state)
        for name, value in state.items():
            setattr(indicator, name, value)
    return _new_alerts(indicator, complete) + rule_alerts(
        indicator, complete, status_before=status_before
    )


def _new_alerts(indicator: Indicator, valued: list[Snapshot]) -> list[Alert]:
    """Record an alert once per new signal on a recent complete period, and once per red one."""
    candidates: list[Alert] = []
    for snapshot in valued[-ALERT_RECENT_PERIODS:]:
        for rule in snapshot.signals:
            candidates.append(
                Alert(
                    indicator=indicator,
                    kind=Alert.Kind.SIGNAL,
                    period=snapshot.period,
                    rule=rule,
                    message=_("%(name)s: %(rule)s in the period from %(period)s.")
                    % {
                        "name": indicator.name,
                        "rule": rules.RULE_LABELS.get(rule, rule),
                        "period": snapshot.period.isoformat(),
                    },
                    recipient=indicator.owner,
                )
            )
    if valued and indicator.status == Indicator.Status.RED:
        latest = valued[-1]
        candidates.append(
            Alert(
                indicator=indicator,
                kind=Alert.Kind.RED,
                period=latest.period,
                rule="",
                message=_("%(name)s: %(status)s, %(value)s %(unit)s in the period from %(period)s.")
                % {
                    "name": indicator.name,
                    "status": indicator.get_status_display(),
                    "value": f"{latest.value:.4g}",
                    "unit": indicator.unit,
                    "period": latest.period.isoformat(),
                },
                recipient=indicator.owner,
            )
        )
    created = []
    for alert in candidates:
        # get_or_create on the unique key: once per signal, even when two passes race.
        stored, is_new = Alert.objects.get_or_create(
            alert_rule=None,
            indicator=indicator,
            kind=alert.kind,
            period=alert.period,
            rule=alert.rule,
            defaults={"message": alert.message, "recipient": alert.recipient},
        )
        if is_new:
            created.append(stored)
    return created


def chart_payload(indicator: Indicator) -> dict[str, Any]:
    """Return the control chart as the API contract shapes it (snapshots only)."""
    summary = indicator.chart_summary or {}
    snapshots = list(indicator.snapshots.exclude(value=None).order_by("period"))
    secondary_points = []
    for segment in summary.get("segments", []):
        secondary_points += [
            {"period": period, "value": value}
            for period, value in zip(segment["periods"], segment["secondary_values"], strict=False)
        ]
    return {
        "chart_type": indicator.chart_type,
        "center": summary.get("center"),
        "ucl": summary.get("ucl"),
        "lcl": summary.get("lcl"),
        "sigma": summary.get("sigma"),
        "points": [
            {
                "period": snapshot.period.isoformat(),
                "value": snapshot.value,
                "n": snapshot.n,
                "center": snapshot.center,
                "ucl": snapshot.ucl,
                "lcl": snapshot.lcl,
                "signals": snapshot.signals,
                "in_progress": indicator.is_in_progress(snapshot.period),
            }
            for snapshot in snapshots
        ],
        "complete_before": _iso(indicator.complete_before),
        "secondary": summary.get("secondary"),
        "secondary_points": secondary_points if summary.get("secondary") is not None else [],
        "segments": [
            {key: segment.get(key) for key in ("starts_on", "center", "ucl", "lcl", "secondary")}
            for segment in summary.get("segments", [])
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def series_payload(indicator: Indicator) -> dict[str, Any]:
    """Return the snapshots with the indicator's trend and status (the API's series shape)."""
    snapshots = indicator.snapshots.order_by("period")
    return {
        "code": indicator.code,
        "grain": indicator.grain,
        "unit": indicator.unit,
        "status": indicator.status,
        "variation": indicator.variation,
        "trend": {
            "verdict": indicator.trend,
            "slope": indicator.trend_slope,
            "p_value": indicator.trend_p_value,
        },
        "status_label": indicator.get_status_display(),
        "latest": {"period": _iso(indicator.latest_period), "value": indicator.latest_value},
        "in_progress": {
            "period": _iso(indicator.current_period),
            "value": indicator.current_value,
            "n": indicator.current_n,
        },
        "complete_before": _iso(indicator.complete_before),
        "snapshots": [
            {
                "period": snapshot.period.isoformat(),
                "value": snapshot.value,
                "n": snapshot.n,
                "numerator": snapshot.numerator,
                "denominator": snapshot.denominator,
                "margin_of_error": snapshot.margin_of_error,
                "low": snapshot.low,
                "high": snapshot.high,
                "center": snapshot.center,
                "ucl": snapshot.ucl,
                "lcl": snapshot.lcl,
                "signals": snapshot.signals,
                "in_progress": indicator.is_in_progress(snapshot.period),
            }
            for snapshot in snapshots
        ],
    }
