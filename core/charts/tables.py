"""What a page renders for a chart: the figure, its table equivalent, and that table as CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.text import slugify

from core.spreadsheets import defused

if TYPE_CHECKING:  # plotly is imported where a figure is built, not when the site starts
    import plotly.graph_objects as go

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A chart's accessible table equivalent, also what its CSV download holds."""

    columns: list[str]
    rows: list[list[Cell]]
    # A URL per cell (None: no link), where the chart's marks open a page (a heat map's cells).
    links: list[list[str | None]] | None = None

    def csv(self) -> str:
        """Return the table as CSV text, with text a spreadsheet would run as a formula defused."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([defused(column) for column in self.columns])
        for row in self.rows:
            writer.writerow(["" if cell is None else _defused(cell) for cell in row])
        return buffer.getvalue()

    def as_json(self) -> dict[str, Any]:
        """Return the columns and rows as the page script reads them."""
        return {"columns": self.columns, "rows": self.rows}


def _defused(cell: Cell) -> Cell:
    return defused(cell) if isinstance(cell, str) else cell


@dataclass(frozen=True)
class FigureJSON:
    """A figure already written as plotly.js JSON: what a cached figure keeps (`cached.py`).

    Building a plotly figure validates every property; a page drawing dozens of the same small
    figures (the dashboard's sparklines) would spend most of its time doing that again.
    """

    text: str

    def figure(self) -> go.Figure:
        """Return the figure built again from its JSON (a PDF report draws it as an image)."""
        import plotly.graph_objects as go  # loaded on first use: the site starts without plotly

        return go.Figure(json.loads(self.text))


@dataclass(frozen=True)
class Chart:
    """A figure with its title, its table equivalent and how the page shows it."""

    key: str  # unique within the page, a slug: the DOM id is "chart-<key>"
    title: str  # shown above the chart; the CSV file name
    figure: go.Figure | FigureJSON
    table: Table
    description: str = ""  # one sentence for screen readers (aria-describedby)
    compact: bool = False  # sparklines: no table toggle, no CSV link, no mode bar
    # A second figure drawn right under this one on the same periods (a control chart's moving
    # range): zooming this chart zooms it too; this chart's table holds its numbers.
    below: Chart | None = None
    element_id: str = ""  # the plot's DOM id when a page already names it otherwise

    @property
    def dom_id(self) -> str:
        """Return the DOM id of the element the figure is drawn in."""
        return self.element_id or f"chart-{self.key}"

    @property
    def filename(self) -> str:
        """Return the CSV download's file name."""
        return f"{slugify(self.title) or self.key}.csv"

    def plotly_figure(self) -> go.Figure:
        """Return the figure as a plotly figure, built from its JSON when it was cached."""
        return self.figure.figure() if isinstance(self.figure, FigureJSON) else self.figure

    def payload(self) -> dict[str, Any]:
        """Return what the page script draws: the figures and the table (for the CSV)."""
        return {
            "figure": figure_json(self.figure),
            "below": figure_json(self.below.figure) if self.below else None,
            "table": self.table.as_json(),
            "compact": self.compact,
        }


def figure_json(figure: go.Figure | FigureJSON) -> dict[str, Any]:
    """Return a figure as plain JSON data (dates as ISO text), as plotly.js takes it."""
    if isinstance(figure, FigureJSON):
        cached: dict[str, Any] = json.loads(figure.text)
        return cached
    import plotly.io  # loaded on first use: the site starts without plotly

    data: dict[str, Any] = json.loads(plotly.io.to_json(figure, validate=False))
    return data


def _plain(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _column(values: Any) -> list[Any]:
    return list(values) if values is not None else []


def figure_table(figure: go.Figure, *, category: str = "") -> Table:
    """Return the table equivalent of a bar, line or heat-map figure, read from its traces.

    A heat map gives one row per row label and one column per column label. Other figures give
    one row per x value (y for horizontal bars) and one column per named trace; traces marked
    `meta="decoration"` (a marker repeated for emphasis) are left out.
    """
    traces = [trace for trace in figure.data if getattr(trace, "meta", None) != "decoration"]
    heatmaps = [trace for trace in traces if trace.type == "heatmap"]
    if heatmaps:
        return _heatmap_table(heatmaps[0], category)
    categories: list[Any] = []
    columns: list[dict[Any, Any]] = []
    for trace in traces:
        horizontal = getattr(trace, "orientation", None) == "h"
        keys = _column(trace.y if horizontal else trace.x)
        values = _column(trace.x if horizontal else trace.y)
        for key in keys:
            if key not in categories:
                categories.append(key)
        columns.append(dict(zip(keys, values, strict=False)))
    axis_title = figure.layout.xaxis.title.text if figure.layout.xaxis.title else None
    first = category or axis_title or ""
    return Table(
        columns=[first, *(trace.name or "" for trace in traces)],
        rows=[
            [_plain(key), *(_plain(column.get(key)) for column in columns)] for key in categories
        ],
    )


def _heatmap_table(trace: Any, category: str) -> Table:
    rows = _column(trace.y)
    columns = _column(trace.x)
    values = [_column(row) for row in _column(trace.z)]
    links = [_column(row) for row in _column(trace.customdata)] if trace.customdata else None
    return Table(
        columns=[category, *(str(column) for column in columns)],
        rows=[
            [_plain(label), *(_plain(value) for value in values[index])]
            for index, label in enumerate(rows)
        ],
        links=[[None, *row] for row in links] if links else None,
    )
