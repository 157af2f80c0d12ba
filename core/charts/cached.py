"""Figures kept in each process's memory by their inputs, for pages that draw many of them.

A figure is a pure function of its inputs, so the cache is keyed by the inputs themselves: a
recompute that changes a value changes the key, and nothing has to be invalidated. Entries are
the figures' JSON text (immutable, a few kilobytes each); the least recently used go first.

The dashboard draws one sparkline per indicator row (50 a page). Building each as a plotly
figure and writing it as JSON took about half the page's server time (cProfile on the demo);
the same sparklines come back on every visit until the next recompute. Its journey heat map
(about 5 % of the page's time, cProfile on the demo) changes with the complaints: a new one
makes a new key.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .figures import heatmap, sparkline
from .tables import FigureJSON

# Entries per process: about 3 KB each, so at most about 6 MB. Enough for every indicator's
# sparkline in a few months and languages.
SPARKLINES_KEPT = 2048
# Heat maps per process: a few tens of kilobytes each (a cell's text, value and link).
HEATMAPS_KEPT = 64


def cached_sparkline(
    values: Sequence[float | None],
    *,
    labels: Sequence[str],
    higher_is_better: bool | None,
    last_state: str | None = None,
    states: Sequence[str | None] | None = None,
) -> FigureJSON:
    """Return `figures.sparkline` of these inputs as JSON, built once per process."""
    return _sparkline(
        tuple(values),
        tuple(str(label) for label in labels),
        higher_is_better,
        last_state,
        tuple(states) if states is not None else None,
    )


@lru_cache(maxsize=SPARKLINES_KEPT)
def _sparkline(
    values: tuple[float | None, ...],
    labels: tuple[str, ...],
    higher_is_better: bool | None,
    last_state: str | None,
    states: tuple[str | None, ...] | None,
) -> FigureJSON:
    import plotly.io  # loaded on first use: the site starts without plotly

    figure = sparkline(
        values,
        labels=labels,
        higher_is_better=higher_is_better,
        last_state=last_state,
        states=states,
    )
    return FigureJSON(plotly.io.to_json(figure, validate=False))


def cached_heatmap(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    text: Sequence[Sequence[str]],
    higher_is_better: bool,
    value_label: str,
    links: Sequence[Sequence[str | None]] | None = None,
) -> FigureJSON:
    """Return `figures.heatmap` of these inputs as JSON, built once per process."""
    return _heatmap(
        tuple(str(row) for row in rows),
        tuple(str(column) for column in columns),
        tuple(tuple(row) for row in values),
        tuple(tuple(row) for row in text),
        higher_is_better,
        str(value_label),
        tuple(tuple(row) for row in links) if links is not None else None,
    )


@lru_cache(maxsize=HEATMAPS_KEPT)
def _heatmap(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: tuple[tuple[float | None, ...], ...],
    text: tuple[tuple[str, ...], ...],
    higher_is_better: bool,
    value_label: str,
    links: tuple[tuple[str | None, ...], ...] | None,
) -> FigureJSON:
    import plotly.io  # loaded on first use: the site starts without plotly

    figure = heatmap(
        rows=rows,
        columns=columns,
        values=values,
        text=text,
        higher_is_better=higher_is_better,
        value_label=value_label,
        links=links,
    )
    return FigureJSON(plotly.io.to_json(figure, validate=False))
