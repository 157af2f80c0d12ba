"""The general chart builders: sparkline, Pareto, heat map, bar and line comparisons.

Each takes plain data and returns a plotly figure; `tables.figure_table` reads the table
equivalent back from the figure, so the table always holds what the chart draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from .palette import (
    LEGEND_ABOVE,
    MARGIN_FOR_LEGEND_ABOVE,
    PALETTE,
    SERIES_COLOURS,
    SYMBOLS,
    WORSE_IS_DARK,
    base_layout,
)

if TYPE_CHECKING:  # plotly is imported where a figure is built, not when the site starts
    import plotly.graph_objects as go

# Bars of a second, third... series also differ by their fill pattern (greyscale print).
PATTERNS = ["", "/", ".", "x", "-", "|", "+"]
# Lines of a second, third... series also differ by dash and marker symbol.
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
LINE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "star", "cross"]
PARETO_SHARE = 80  # the "vital few": categories making up 80 % of the total
DIRECTION_WORDS: dict[bool | None, str] = {True: "higher is better", False: "lower is better"}
STATE_WORDS = {
    "improving": "improving",
    "concerning": "concerning",
    "common": "common cause",
}


def sparkline(
    values: Sequence[float | None],
    *,
    labels: Sequence[str],
    higher_is_better: bool | None,
    last_state: str | None = None,
    states: Sequence[str | None] | None = None,
) -> go.Figure:
    """Return a tiny line without axes, its last value marked in the colour of its state and,
    given `states` (one per value), each earlier special-cause point marked by its shape."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    figure = go.Figure(
        go.Scatter(
            x=list(labels),
            y=list(values),
            name="Value",
            mode="lines",
            line={"color": PALETTE["line"], "width": 1.5},
            connectgaps=False,
            hovertemplate="%{x}: %{y:.4~g}<extra></extra>",
        ),
        layout=base_layout(
            height=48,
            margin={"l": 6, "r": 6, "t": 6, "b": 6},
            showlegend=False,
            xaxis={"visible": False, "fixedrange": True, "type": "category"},
            yaxis={"visible": False, "fixedrange": True},
        ),
    )
    last = next(
        (index for index in reversed(range(len(values))) if values[index] is not None), None
    )
    for kind in ("improving", "concerning"):
        marked = [
            index
            for index, point_state in enumerate(states or [])
            if point_state == kind and index != last and values[index] is not None
        ]
        if marked:
            figure.add_trace(
                go.Scatter(
                    x=[labels[index] for index in marked],
                    y=[values[index] for index in marked],
                    name=f"Special cause, {STATE_WORDS[kind]}",
                    meta="decoration",
                    mode="markers",
                    marker={"color": PALETTE[kind], "symbol": SYMBOLS[kind], "size": 6},
                    hovertemplate=f"%{{x}}: %{{y:.4~g}} ({STATE_WORDS[kind]})<extra></extra>",
                )
            )
    if last is not None:
        state = last_state if last_state in STATE_WORDS else None
        direction = DIRECTION_WORDS.get(higher_is_better, "")
        words = ", ".join(word for word in (STATE_WORDS.get(state or ""), direction) if word)
        figure.add_trace(
            go.Scatter(
                x=[labels[last]],
                y=[values[last]],
                name="Latest",
                meta="decoration",
                mode="markers",
                marker={
                    "color": PALETTE[state] if state else PALETTE["muted"],
                    "symbol": SYMBOLS[state] if state else SYMBOLS["in_progress"],
                    "size": 8,
                    "line": {"color": PALETTE["paper"], "width": 1},
                },
                hovertemplate="%{x}: %{y:.4~g}"
                + (f" ({words})" if words else "")
                + "<extra></extra>",
            )
        )
    return figure


def pareto(categories: Sequence[tuple[str, float]], *, value_label: str) -> go.Figure:
    """Return bars sorted from the largest, with the cumulative share on a right axis (0-100 %)
    and a reference line at 80 %."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    ordered = sorted(categories, key=lambda item: (-item[1], item[0]))
    names = [name for name, _value in ordered]
    values = [value for _name, value in ordered]
    total = sum(values)
    running = 0.0
    cumulative: list[float | None] = []
    for value in values:
        running += value
        cumulative.append(round(100 * running / total, 1) if total else None)
    figure = go.Figure(
        layout=base_layout(
            height=380,
            margin={"r": 56, "t": MARGIN_FOR_LEGEND_ABOVE},
            legend=LEGEND_ABOVE,
            xaxis={"type": "category", "title": {"text": ""}},
            yaxis={"title": {"text": value_label, "standoff": 8}, "rangemode": "tozero"},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
                "ticksuffix": "%",
                "tickvals": [0, 20, 40, 60, 80, 100],
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
                "linecolor": PALETTE["axis"],
            },
            shapes=[
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y2",
                    "y0": PARETO_SHARE,
                    "y1": PARETO_SHARE,
                    "line": {"color": PALETTE["reference"], "width": 1, "dash": "dot"},
                }
            ],
            annotations=[
                {
                    "xref": "paper",
                    "x": 1,
                    "xanchor": "right",
                    "yref": "y2",
                    "y": PARETO_SHARE,
                    "yanchor": "bottom",
                    "text": f"{PARETO_SHARE}%",
                    "showarrow": False,
                    "font": {"size": 11, "color": PALETTE["reference"]},
                }
            ],
        )
    )
    figure.add_trace(
        go.Bar(
            x=names,
            y=values,
            name=value_label,
            marker={"color": PALETTE["bar"]},
            texttemplate="%{y:.4~g}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>%{y:.4~g} %{fullData.name}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=names,
            y=cumulative,
            name="Cumulative %",
            yaxis="y2",
            mode="lines+markers",
            line={"color": PALETTE["mean"], "width": 1.5},
            marker={"color": PALETTE["mean"], "size": 6, "symbol": "circle"},
            hovertemplate="%{x}<br>%{y:.1f}% of the total with the bars before it<extra></extra>",
        )
    )
    return figure


def heatmap(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    text: Sequence[Sequence[str]],
    higher_is_better: bool,
    value_label: str,
    links: Sequence[Sequence[str | None]] | None = None,
) -> go.Figure:
    """Return a heat map whose darker cells are worse whatever the direction, each cell
    showing its value; cells without data are blank and say so."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    labels = [
        [
            "no data" if values[row][column] is None else text[row][column]
            for column in range(len(columns))
        ]
        for row in range(len(rows))
    ]
    figure = go.Figure(
        go.Heatmap(
            x=list(columns),
            y=list(rows),
            z=[list(row) for row in values],
            text=labels,
            texttemplate="%{text}",
            textfont={"size": 11},  # plotly.js writes dark or light text by the cell
            colorscale=WORSE_IS_DARK,
            # Oranges run light to dark as values grow: where higher is better, low is worse.
            reversescale=higher_is_better,
            xgap=2,
            ygap=2,
            hoverongaps=True,
            customdata=[list(row) for row in links] if links else None,
            name=value_label,
            # No colour bar: plotly.js writes an empty style attribute on its fill, which the
            # Content-Security-Policy refuses; the cells print their values and a note below
            # says which way the colours run.
            showscale=False,
            hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
        ),
        layout=base_layout(
            height=max(200, 100 + 36 * len(rows)),
            margin={"t": 8, "r": 8, "b": 28},
            showlegend=False,
            annotations=[
                {
                    "xref": "paper",
                    "x": 0,
                    "xanchor": "left",
                    "yref": "paper",
                    "y": 0,
                    "yanchor": "top",
                    "yshift": -6,
                    "text": f"{escape(value_label)}: darker cells are worse",
                    "showarrow": False,
                    "font": {"size": 11, "color": PALETTE["muted"]},
                }
            ],
            plot_bgcolor=PALETTE["grid"],
            xaxis={"side": "top", "type": "category", "ticks": "", "linecolor": PALETTE["paper"]},
            yaxis={"autorange": "reversed", "type": "category", "gridcolor": PALETTE["paper"]},
        ),
    )
    return figure


def comparison_bars(
    *,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    value_label: str,
    horizontal: bool = False,
) -> go.Figure:
    """Return grouped bars, one colour and fill pattern per series."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    value_axis = {"title": {"text": value_label, "standoff": 8}, "rangemode": "tozero"}
    category_axis: dict[str, Any] = {"type": "category"}
    if horizontal:
        category_axis["autorange"] = "reversed"  # the first label on top, as it reads
    figure = go.Figure(
        layout=base_layout(
            height=max(260, 60 + 28 * len(labels) * max(1, len(series))) if horizontal else 360,
            barmode="group",
            showlegend=len(series) > 1,
            margin={"t": MARGIN_FOR_LEGEND_ABOVE},
            legend=LEGEND_ABOVE,
            xaxis=value_axis if horizontal else category_axis,
            yaxis=category_axis if horizontal else value_axis,
        )
    )
    for index, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        categories, amounts = list(labels), list(values)
        figure.add_trace(
            go.Bar(
                x=amounts if horizontal else categories,
                y=categories if horizontal else amounts,
                orientation="h" if horizontal else "v",
                name=name,
                marker={
                    "color": colour,
                    # overlay: the stripes lie on the series colour (the default, "replace",
                    # would leave white stripes on nothing)
                    "pattern": {
                        "shape": PATTERNS[index % len(PATTERNS)],
                        "fgcolor": "#fff",
                        "fillmode": "overlay",
                    },
                },
                hovertemplate="%{fullData.name}<br>"
                + ("%{y}: %{x:.4~g}" if horizontal else "%{x}: %{y:.4~g}")
                + "<extra></extra>",
            )
        )
    return figure


def lines(
    *,
    x: Sequence[str | date],
    series: Mapping[str, Sequence[float | None]],
    value_label: str,
    reference: float | None = None,
    reference_label: str = "",
) -> go.Figure:
    """Return one line per series (each with its own colour, dash and marker), with an optional
    horizontal reference line (a target)."""
    import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

    layout = base_layout(
        height=360,
        showlegend=len(series) > 1,
        margin={"t": MARGIN_FOR_LEGEND_ABOVE, "r": 72 if reference is not None else 24},
        legend=LEGEND_ABOVE,
        yaxis={"title": {"text": value_label, "standoff": 8}},
    )
    if reference is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": reference,
                "y1": reference,
                "line": {"color": PALETTE["target"], "width": 2, "dash": "dash"},
            }
        ]
        layout["annotations"] = [
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "left",
                "xshift": 4,
                "y": reference,
                "text": reference_label or f"{reference:g}",
                "showarrow": False,
                "font": {"size": 11, "color": PALETTE["target"]},
            }
        ]
    figure = go.Figure(layout=layout)
    for index, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        figure.add_trace(
            go.Scatter(
                x=list(x),
                y=list(values),
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line={"color": colour, "width": 2, "dash": DASHES[index % len(DASHES)]},
                marker={
                    "color": colour,
                    "size": 6,
                    "symbol": LINE_SYMBOLS[index % len(LINE_SYMBOLS)],
                },
                hovertemplate="%{fullData.name}<br>%{x}: %{y:.4~g}<extra></extra>",
            )
        )
    return figure
