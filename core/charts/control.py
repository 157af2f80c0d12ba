"""An indicator's control chart and the moving-range (or range) chart drawn under it.

Values, centre line and control limits (stepped where they vary with n, broken where they
restart), special causes by direction (colour and symbol), the target, dated notes, and the
period in progress drawn apart: a hollow point on a dotted segment, never judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .axes import tick_format, x_range
from .moving_range import RangePoint
from .numbers import measure, number
from .palette import PALETTE, SYMBOLS, base_layout
from .tables import Cell, Table

if TYPE_CHECKING:  # plotly is imported where a figure is built, not when the site starts
    import plotly.graph_objects as go

NOTE_LABEL_LENGTH = 26  # a note's label on the chart is cut to this many characters
NOTE_ROWS = 3  # rows of note labels above the plot before they overlap
NOTE_CHAR_PX = 6  # about the width of a character of a note label (10 px font)
WIDE_PLOT_PX = 900  # about the plot's width on a laptop, where labels carry their words
NARROW_PLOT_PX = 280  # about the plot's width on a phone, where labels are numbers only
RIGHT_MARGIN_SHARE = 0.08  # the right margin a label may run into, as a share of the plot
# plotly writes <span style='color:…'> as a style attribute: the Content-Security-Policy lets
# exactly this one through by its hash (settings.PLOTLY_TEXT_STYLES), so keep it verbatim.
MUTED_OPEN = "<span style='color:#6c757d'>"
IN_PROGRESS_HOVER = "<i>So far: the period has not ended, so it is not judged</i>"
IN_PROGRESS_NOTE = "in progress: not judged"
SIGNAL_NAMES = {
    "improving": "Special cause: improving",
    "concerning": "Special cause: deteriorating",
    "neutral": "Special cause: neither up nor down",
}


@dataclass(frozen=True)
class ControlPoint:
    """One period on a control chart, with the limits that apply to it."""

    period: date
    value: float
    label: str = ""  # the period as people name it ("Mar 2026"); ISO date when empty
    n: float | None = None
    center: float | None = None
    ucl: float | None = None
    lcl: float | None = None
    signals: tuple[str, ...] = ()
    in_progress: bool = False

    @property
    def name(self) -> str:
        """Return the period's label."""
        return self.label or self.period.isoformat()


@dataclass(frozen=True)
class ChartNote:
    """A dated note (or a shaded date range) drawn on a chart, numbered as listed on the page."""

    number: int
    starts_on: date
    label: str
    ends_on: date | None = None
    kind: str = "note"  # "limits" (a recalculation) draws in the limits' colour


def _segment(period: date, starts: Sequence[date]) -> int:
    return sum(1 for start in starts if period >= start)


def _hover(point: ControlPoint, unit: str, rule_labels: Mapping[str, str]) -> str:
    lines = [f"<b>{escape(point.name)}</b>", escape(measure(point.value, unit))]
    if point.n is not None:
        lines.append(f"n = {number(point.n)}")
    if point.center is not None:
        limits = f"CL {number(point.center)}"
        if point.lcl is not None:
            limits += f" · LCL {number(point.lcl)}"
        if point.ucl is not None:
            limits += f" · UCL {number(point.ucl)}"
        lines.append(f"{MUTED_OPEN}{limits}</span>")
    lines += [f"⚠ {escape(rule)}: {escape(rule_labels.get(rule, rule))}" for rule in point.signals]
    if point.in_progress:
        lines.append(IN_PROGRESS_HOVER)
    return "<br>".join(lines)


def _limit_traces(
    points: Sequence[ControlPoint],
    starts: Sequence[date],
    key: str,
    name: str,
    style: dict[str, Any],
    legend: bool,
) -> list[go.Scatter]:
    """Return one trace per limit segment, so that a restart shows as a break in the line."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    traces: list[go.Scatter] = []
    for _index, group in groupby(points, key=lambda point: _segment(point.period, starts)):
        members = list(group)
        values = [getattr(point, key) for point in members]
        if all(value is None for value in values):
            continue
        # Limits that step with n read better dotted (long dashes break up each step).
        varies = len({value for value in values if value is not None}) > 1
        traces.append(
            go.Scatter(
                x=[point.period for point in members],
                y=values,
                name=name,
                mode="lines",
                legendgroup=name,
                showlegend=legend and not traces,
                line={"shape": "hvh", "width": 1.5, **style}
                | ({"dash": "dot"} if varies and style.get("dash") else {}),
                hovertemplate=f"{name} %{{y:.4~g}}<extra></extra>",
                connectgaps=False,
            )
        )
    return traces


def _signal_kind(point: ControlPoint, higher_is_better: bool) -> str:
    """Return whether a special cause lies on the good or the bad side of its centre line."""
    if point.center is None or point.value == point.center:
        return "neutral"
    return "improving" if (point.value > point.center) == higher_is_better else "concerning"


def _last_value(points: Sequence[ControlPoint], key: str) -> float | None:
    return next(
        (getattr(point, key) for point in reversed(points) if getattr(point, key) is not None),
        None,
    )


def _note_shapes(notes: Sequence[ChartNote]) -> list[dict[str, Any]]:
    shapes = []
    for note in notes:
        if note.ends_on:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": note.starts_on,
                    "x1": note.ends_on,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "rgba(31, 95, 139, 0.08)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        else:
            colour = PALETTE["limit"] if note.kind == "limits" else PALETTE["note"]
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": note.starts_on,
                    "x1": note.starts_on,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": colour, "width": 1, "dash": "dot"},
                    "layer": "below",
                }
            )
    return shapes


def _short(label: str) -> str:
    if len(label) <= NOTE_LABEL_LENGTH:
        return label
    return label[: NOTE_LABEL_LENGTH - 1] + "…"


def _place_notes(
    notes: Sequence[ChartNote], first: date, last: date, *, words: bool, plot_px: int
) -> list[tuple[int, str]]:
    """Return each note label's row and anchor: the lowest row where it overlaps no other
    label, and left of its line where it would run off the right edge."""
    span = (last - first).days or 1
    taken = [-1.0] * NOTE_ROWS  # how far along the span each row's labels reach
    placed = []
    for note in notes:
        text = f"{note.number} {_short(note.label)}" if words else str(note.number)
        width = (len(text) * NOTE_CHAR_PX + 8) / plot_px
        at = (note.starts_on - first).days / span
        anchor = "right" if at + width > 1 + RIGHT_MARGIN_SHARE else "left"
        start, end = (at - width, at) if anchor == "right" else (at, at + width)
        free = [row for row in range(NOTE_ROWS) if taken[row] <= start]
        row = free[0] if free else min(range(NOTE_ROWS), key=taken.__getitem__)
        taken[row] = max(taken[row], end)
        placed.append((row, anchor))
    return placed


def _note_label(note: ChartNote, words: bool) -> str:
    if not words:
        return f"<b>{note.number}</b>"
    return f"<b>{note.number}</b> {escape(_short(note.label))}"


def control_chart(
    *,
    points: Sequence[ControlPoint],
    grain: str,
    unit: str = "",
    higher_is_better: bool = True,
    target: float | None = None,
    limit_starts: Sequence[date] = (),
    rule_labels: Mapping[str, str] | None = None,
    notes: Sequence[ChartNote] = (),
) -> go.Figure:
    """Return an indicator's control chart (layout.meta.narrow: what changes on a phone)."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    labels = rule_labels or {}
    starts = sorted(limit_starts)
    complete = [point for point in points if not point.in_progress]
    open_points = [point for point in points if point.in_progress]
    hover = {point.period: _hover(point, unit, labels) for point in points}
    traces: list[go.Scatter] = [
        go.Scatter(
            x=[point.period for point in complete],
            y=[point.value for point in complete],
            name="Value",
            mode="lines+markers",
            text=[hover[point.period] for point in complete],
            hovertemplate="%{text}<extra></extra>",
            line={"color": PALETTE["line"], "width": 1.8},
            marker={"color": PALETTE["common"], "size": 6, "symbol": SYMBOLS["common"]},
        )
    ]
    if open_points:
        # The dotted segment starts at the last complete point, which keeps its own marker.
        joined = [*complete[-1:], *open_points]
        offset = len(joined) - len(open_points)
        traces.append(
            go.Scatter(
                x=[point.period for point in joined],
                y=[point.value for point in joined],
                name="So far (period in progress)",
                mode="lines+markers+text",
                text=["" if index < offset else "so far" for index in range(len(joined))],
                textposition="top center",
                textfont={"size": 11, "color": PALETTE["line"]},
                cliponaxis=False,  # a point at the top keeps its "so far" label
                customdata=[hover[point.period] for point in joined],
                hovertemplate="%{customdata}<extra></extra>",
                line={"color": PALETTE["line"], "width": 1.5, "dash": "dot"},
                marker={
                    "color": PALETTE["line"],
                    "size": [0 if index < offset else 10 for index in range(len(joined))],
                    "symbol": SYMBOLS["in_progress"],
                    "line": {"color": PALETTE["line"], "width": 2},
                },
            )
        )
    traces += _limit_traces(
        points, starts, "center", "Centre line", {"color": PALETTE["mean"]}, legend=True
    )
    limit_style = {"color": PALETTE["limit"], "dash": "dash"}
    traces += _limit_traces(points, starts, "ucl", "Control limits", limit_style, legend=True)
    # The lower limit shares the upper's legend entry (its legend group): one click hides both.
    traces += _limit_traces(points, starts, "lcl", "Control limits", limit_style, legend=False)

    # Special causes by side of the centre line; a period in progress is never judged.
    for kind in ("improving", "concerning", "neutral"):
        flagged = [
            point
            for point in complete
            if point.signals and _signal_kind(point, higher_is_better) == kind
        ]
        if flagged:
            traces.append(
                go.Scatter(
                    x=[point.period for point in flagged],
                    y=[point.value for point in flagged],
                    name=SIGNAL_NAMES[kind],
                    mode="markers",
                    text=[hover[point.period] for point in flagged],
                    hovertemplate="%{text}<extra></extra>",
                    marker={
                        "color": PALETTE[kind],
                        "symbol": SYMBOLS[kind],
                        "size": 12,
                        "line": {"color": PALETTE["paper"], "width": 1.5},
                    },
                )
            )

    first, last = points[0].period, points[-1].period
    if target is not None:
        label = f"Target {measure(target, unit)}"
        traces.append(
            go.Scatter(
                x=[first, last],
                y=[target, target],
                name=label,
                mode="lines",
                line={"color": PALETTE["target"], "dash": "longdash", "width": 2},
                hovertemplate=f"{escape(label)}<extra></extra>",
            )
        )

    # Limit values written at the right end, as statistics packages label them.
    annotations: list[dict[str, Any]] = []
    for key, text, colour in (
        ("ucl", "UCL", PALETTE["limit"]),
        ("center", "CL", PALETTE["mean"]),
        ("lcl", "LCL", PALETTE["limit"]),
    ):
        value = _last_value(points, key)
        if value is not None:
            annotations.append(
                {
                    "x": last,
                    "y": value,
                    "xref": "x",
                    "yref": "y",
                    "xanchor": "left",
                    "xshift": 6,
                    "text": f"{text} {number(value)}",
                    "showarrow": False,
                    "font": {"size": 11, "color": colour},
                }
            )
    # Notes numbered as in the list under the chart, each label on the lowest free row; phones
    # show the numbers only.
    wide = _place_notes(notes, first, last, words=True, plot_px=WIDE_PLOT_PX)
    small = _place_notes(notes, first, last, words=False, plot_px=NARROW_PLOT_PX)
    narrow: dict[str, Any] = {
        "height": 420,
        "margin.r": 64,
        "xaxis.nticks": 4,
        "margin.t": 14 + 14 * (max((row for row, _anchor in small), default=0) + 1),
    }
    for note, (row, anchor), (narrow_row, narrow_anchor) in zip(notes, wide, small, strict=True):
        position = len(annotations)
        narrow[f"annotations[{position}].text"] = _note_label(note, words=False)
        narrow[f"annotations[{position}].yshift"] = narrow_row * 14
        narrow[f"annotations[{position}].xanchor"] = narrow_anchor
        annotations.append(
            {
                "x": note.starts_on,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": anchor,
                "yshift": row * 14,
                "text": _note_label(note, words=True),
                "hovertext": escape(note.label),
                "showarrow": False,
                "font": {"size": 10, "color": PALETTE["note"]},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )

    layout = base_layout(
        height=440,
        margin={"l": 56, "r": 80, "t": 14 + 14 * (max((row for row, _a in wide), default=0) + 1)},
        xaxis={
            "type": "date",
            "tickangle": 0,
            "nticks": 12,
            "tickformat": tick_format(grain),
            "range": x_range(first, last, grain),
        },
        yaxis={"title": {"text": unit, "standoff": 8}},
        annotations=annotations,
        shapes=_note_shapes(notes),
        meta={"narrow": narrow},
    )
    return go.Figure(data=traces, layout=layout)


def control_table(
    *,
    points: Sequence[ControlPoint],
    unit: str = "",
    rule_labels: Mapping[str, str] | None = None,
    ranges: Sequence[RangePoint] = (),
    range_label: str = "Moving range",
) -> Table:
    """Return a control chart's table equivalent, oldest period first, with its moving ranges."""
    labels = rule_labels or {}
    by_period = {point.period: point.value for point in ranges}
    columns = ["Period", f"Value ({unit})" if unit else "Value", "n", "LCL", "Centre", "UCL"]
    if ranges:
        columns.append(range_label)
    columns += ["Signals", "Note"]
    rows: list[list[Cell]] = []
    for point in points:
        row: list[Cell] = [
            point.name,
            point.value,
            point.n,
            point.lcl,
            point.center,
            point.ucl,
        ]
        if ranges:
            row.append(by_period.get(point.period))
        row += [
            "; ".join(f"{rule}: {labels.get(rule, rule)}" for rule in point.signals),
            IN_PROGRESS_NOTE if point.in_progress else "",
        ]
        rows.append(row)
    return Table(columns=columns, rows=rows)
