"""Every chart of the product: plotly figures built from plain data, with their tables.

Pages draw them with `{% load charts %}{% chart chart %}` (plotly.js and static/js/charts.js);
the PDF reports render the same figures as images.
"""

from .axes import x_range
from .cached import cached_heatmap, cached_sparkline
from .control import ChartNote, ControlPoint, control_chart, control_table
from .figures import comparison_bars, heatmap, lines, pareto, sparkline
from .moving_range import RangeLimits, RangePoint, range_chart
from .palette import PALETTE, SYMBOLS
from .tables import Chart, FigureJSON, Table, figure_json, figure_table

__all__ = [
    "PALETTE",
    "SYMBOLS",
    "Chart",
    "ChartNote",
    "ControlPoint",
    "FigureJSON",
    "RangeLimits",
    "RangePoint",
    "Table",
    "cached_heatmap",
    "cached_sparkline",
    "comparison_bars",
    "control_chart",
    "control_table",
    "figure_json",
    "figure_table",
    "heatmap",
    "lines",
    "pareto",
    "range_chart",
    "sparkline",
    "x_range",
]
