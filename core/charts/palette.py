"""Colours, symbols and the base layout every chart shares.

Colours follow NHS England's "Making Data Count" (MDC): grey for common-cause variation, blue
for a special cause that improves, orange for one that concerns, purple for one with no
direction, a red dashed target and a solid mean. MDC's own blue (#289de0) and orange (#fab428)
fall below the 3:1 contrast WCAG asks of chart marks on white; the darker shades of the same two
hues below pass it, stay apart for every kind of colour blindness, and are the shades the
variation icons use (static/css/app.css, --mdc-*). Status is never colour alone: each kind of
point also has its own marker symbol, and the legend and hover name it.
"""

from typing import Any

PALETTE: dict[str, str] = {
    "common": "#7b838a",  # common-cause points
    "improving": "#1971c2",  # special cause, improving
    "concerning": "#e8590c",  # special cause, concerning (deteriorating)
    "neutral": "#7048e8",  # special cause without a direction
    "line": "#6c757d",  # the line joining the values
    "mean": "#343a40",  # centre line
    "limit": "#868e96",  # process (control) limits, dashed
    "target": "#c92a2a",  # target, red and dashed
    "note": "#1f5f8b",  # annotations on a chart
    "reference": "#495057",  # a reference line (the Pareto's 80 %)
    "bar": "#4c7fa8",  # bars of a comparison or a Pareto
    "grid": "#e9ecef",
    "axis": "#adb5bd",
    "text": "#212529",
    "muted": "#6c757d",  # hover detail; one of the styles the CSP allows plotly to write
    "paper": "#ffffff",
}

# Marker symbols by state: a reader who cannot tell the colours apart still tells the shapes.
SYMBOLS: dict[str, str] = {
    "common": "circle",
    "improving": "diamond",
    "concerning": "x",
    "neutral": "square",
    "in_progress": "circle-open",
}

# Series of a comparison: Okabe and Ito's colour-blind-safe qualitative set, most distinct first.
SERIES_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000"]

# Heat maps: ColorBrewer's single-hue Oranges, light = better, dark = worse. A sequential scale
# of one hue reads by lightness alone, so it survives every colour blindness and greyscale print.
WORSE_IS_DARK = [  # plotly.colors.sequential.Oranges, copied: plotly loads on first use
    "rgb(255,245,235)",
    "rgb(254,230,206)",
    "rgb(253,208,162)",
    "rgb(253,174,107)",
    "rgb(253,141,60)",
    "rgb(241,105,19)",
    "rgb(217,72,1)",
    "rgb(166,54,3)",
    "rgb(127,39,4)",
]

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif'
)


# The legend above the plot, for charts whose category or date labels slant below it.
LEGEND_ABOVE = {"y": 1.02, "yanchor": "bottom"}
MARGIN_FOR_LEGEND_ABOVE = 40


def base_layout(**overrides: Any) -> dict[str, Any]:
    """Return the layout every chart starts from: fonts, colours, axes, legend below."""
    layout: dict[str, Any] = {
        "template": "none",  # the plotly default template would add 6 kB to every figure
        "font": {"family": FONT_FAMILY, "size": 12, "color": PALETTE["text"]},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": PALETTE["paper"],
        "margin": {"l": 56, "r": 24, "t": 28, "b": 8},
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": PALETTE["paper"],
            "bordercolor": PALETTE["axis"],
            "font": {"color": PALETTE["text"]},
            "align": "left",
        },
        "xaxis": {
            "showgrid": False,
            "linecolor": PALETTE["axis"],
            "ticks": "outside",
            "automargin": True,
            "zeroline": False,
        },
        "yaxis": {
            "gridcolor": PALETTE["grid"],
            "linecolor": PALETTE["axis"],
            "zeroline": False,
            "automargin": True,
        },
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.12,
            "yanchor": "top",
            "font": {"size": 11},
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout
