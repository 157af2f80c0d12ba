"""An indicator's control chart as core.charts draws it, from the snapshots and the notes."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from core.charts import (
    Chart,
    ChartNote,
    ControlPoint,
    RangeLimits,
    RangePoint,
    Table,
    control_chart,
    control_table,
    range_chart,
)

from .models import Annotation, Indicator, LimitSegment
from .rules import RULE_LABELS
from .templatetags.metrics_format import period_label


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _points(indicator: Indicator, payload: dict[str, Any]) -> list[ControlPoint]:
    """Return the periods with their limits; the summary's stand in where the snapshots have
    none (a series charted before limits were stored per period)."""
    per_point = any(point.get("center") is not None for point in payload["points"])
    points = []
    for point in payload["points"]:
        period = date.fromisoformat(point["period"])
        limits = point if per_point else payload
        points.append(
            ControlPoint(
                period=period,
                value=point["value"],
                label=period_label(period, indicator.grain),
                n=point.get("n"),
                center=limits.get("center"),
                ucl=limits.get("ucl"),
                lcl=limits.get("lcl"),
                signals=tuple(point.get("signals") or ()),
                in_progress=bool(point.get("in_progress")),
            )
        )
    return points


def _ranges(indicator: Indicator, payload: dict[str, Any]) -> list[RangePoint]:
    open_from = _day(payload.get("complete_before"))
    ranges = []
    for point in payload["secondary_points"]:
        period = date.fromisoformat(point["period"])
        ranges.append(
            RangePoint(
                period=period,
                value=point["value"],
                label=period_label(period, indicator.grain),
                in_progress=open_from is not None and period >= open_from,
            )
        )
    return ranges


def _range_limits(payload: dict[str, Any], first: date) -> list[RangeLimits]:
    """Return each limit segment's moving-range limits (the summary's for a single segment)."""
    segments = payload["segments"] or [{"starts_on": first.isoformat(), **payload}]
    return [
        RangeLimits(
            starts_on=date.fromisoformat(segment["starts_on"]),
            center=(segment.get("secondary") or {}).get("center"),
            ucl=(segment.get("secondary") or {}).get("ucl"),
            lcl=(segment.get("secondary") or {}).get("lcl"),
        )
        for segment in segments
        if segment.get("secondary")
    ]


def indicator_chart(
    indicator: Indicator,
    *,
    payload: dict[str, Any],
    annotations: list[Annotation],
    limit_segments: list[LimitSegment],
) -> Chart | None:
    """Return the indicator's control chart, its moving range under it, or None without points.

    `payload` is `series.chart_payload(indicator)`; the limits restart at each recalculation
    and at each of the recompute's own segments.
    """
    points = _points(indicator, payload)
    if not points:
        return None
    limit_starts = sorted(
        {segment.starts_on for segment in limit_segments}
        | {date.fromisoformat(segment["starts_on"]) for segment in payload["segments"][1:]}
    )
    fired = sorted({rule for point in points for rule in point.signals})
    rule_labels = {rule: RULE_LABELS.get(rule, rule) for rule in fired}
    notes = [
        ChartNote(
            number=number,
            starts_on=annotation.starts_on,
            ends_on=annotation.ends_on,
            label=annotation.label,
            kind=annotation.kind,
        )
        for number, annotation in enumerate(annotations, start=1)
    ]
    range_label = (
        _("Range") if indicator.chart_type == Indicator.ChartType.XBAR_R else _("Moving range")
    )
    ranges = _ranges(indicator, payload) if payload["secondary"] is not None else []
    below = None
    if any(point.value is not None for point in ranges):
        below = Chart(
            key="secondary",
            title=range_label,
            figure=range_chart(
                points=ranges,
                segments=_range_limits(payload, points[0].period),
                label=range_label,
                grain=indicator.grain,
                span=(points[0].period, points[-1].period),
            ),
            table=Table(columns=[], rows=[]),  # its numbers are in the control chart's
            element_id="secondary-chart",
        )
    return Chart(
        key="control",
        title=_("%(name)s: control chart") % {"name": indicator.name},
        figure=control_chart(
            points=points,
            grain=indicator.grain,
            unit=indicator.unit,
            higher_is_better=indicator.higher_is_better,
            target=indicator.target,
            limit_starts=limit_starts,
            rule_labels=rule_labels,
            notes=notes,
        ),
        table=control_table(
            points=points,
            unit=indicator.unit,
            rule_labels=rule_labels,
            ranges=ranges,
            range_label=range_label,
        ),
        description=_(
            "Control chart of %(name)s, one point per %(grain)s, with its centre line and "
            "control limits; the numbers are in the table under the chart."
        )
        % {"name": indicator.name, "grain": indicator.get_grain_display().lower()},
        below=below,
        element_id="control-chart",
    )
