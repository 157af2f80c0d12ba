"""The moving-range (or range) chart drawn under an indicator's control chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from .axes import tick_format, x_range
from .numbers import number
from .palette import PALETTE, SYMBOLS, base_layout

if TYPE_CHECKING:  # plotly is imported where a figure is built, not when the site starts
    import plotly.graph_objects as go


@dataclass(frozen=True)
class RangePoint:
    """One period of the moving-range (or range) chart."""

    period: date
    value: float | None
    label: str = ""
    in_progress: bool = False


@dataclass(frozen=True)
class RangeLimits:
    """The moving-range limits of one limit segment, from the period it starts."""

    starts_on: date
    center: float | None
    ucl: float | None
    lcl: float | None = None


def range_chart(
    *,
    points: Sequence[RangePoint],
    segments: Sequence[RangeLimits],
    label: str,
    grain: str,
    span: tuple[date, date],
) -> go.Figure:
    """Return the moving-range (or range) chart on the control chart's x range `span`, each
    limit segment with its own centre line and upper limit over its own periods."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    shown = [point for point in points if point.value is not None]
    periods = [point.period for point in shown]
    date_format = tick_format(grain) or "%-d %b %Y"
    traces: list[go.Scatter] = [
        go.Scatter(
            x=periods,
            y=[point.value for point in shown],
            name=label,
            mode="lines+markers",
            line={"color": PALETTE["line"], "width": 1.5},
            marker={
                "color": PALETTE["common"],
                "symbol": [
                    SYMBOLS["in_progress"] if point.in_progress else SYMBOLS["common"]
                    for point in shown
                ],
                "size": [8 if point.in_progress else 5 for point in shown],
                "line": {"color": PALETTE["line"], "width": 2},
            },
            hovertemplate=f"{escape(label)} %{{y:.4~g}}<br>%{{x|{date_format}}}<extra></extra>",
        )
    ]
    annotations: list[dict[str, Any]] = []
    for index, segment in enumerate(segments):
        until = segments[index + 1].starts_on if index + 1 < len(segments) else None
        covered = [
            period
            for period in periods
            if period >= segment.starts_on and (until is None or period < until)
        ]
        if not covered:
            continue
        for value, name, colour, dash in (
            (segment.center, "CL", PALETTE["mean"], "solid"),
            (segment.ucl, "UCL", PALETTE["limit"], "dash"),
            (segment.lcl, "LCL", PALETTE["limit"], "dash"),
        ):
            if value is None or (name == "LCL" and value == 0):
                continue  # a moving range's lower limit of 0 is the axis itself
            traces.append(
                go.Scatter(
                    x=[covered[0], covered[-1]],
                    y=[value, value],
                    name=name,
                    mode="lines",
                    showlegend=False,
                    meta="secondary-limit",
                    line={"color": colour, "dash": dash, "width": 1.3},
                    hovertemplate=f"{name} %{{y:.4~g}}<extra></extra>",
                )
            )
            if index == len(segments) - 1:
                annotations.append(
                    {
                        "x": covered[-1],
                        "y": value,
                        "xref": "x",
                        "yref": "y",
                        "xanchor": "left",
                        "xshift": 6,
                        "text": f"{name} {number(value)}",
                        "showarrow": False,
                        "font": {"size": 11, "color": colour},
                    }
                )
    layout = base_layout(
        height=210,
        showlegend=False,
        margin={"l": 56, "r": 80, "t": 24, "b": 8},
        title={"text": escape(label), "x": 0, "xanchor": "left", "font": {"size": 13}},
        xaxis={
            "type": "date",
            "tickangle": 0,
            "nticks": 12,
            "tickformat": tick_format(grain),
            "range": x_range(span[0], span[1], grain),
        },
        yaxis={"rangemode": "tozero"},
        annotations=annotations,
        meta={"narrow": {"height": 180, "margin.r": 64, "xaxis.nticks": 4}},
    )
    return go.Figure(data=traces, layout=layout)
