"""Figures kept in each process's memory by their inputs, for pages that draw many of them.

A figure is a pure function of its inputs, so the cache is keyed by the inputs themselves: a
recompute that changes a value changes the key, and nothing has to be invalidated. Entries are
the figures' JSON text (immutable, a few kilobytes each); the least recently used go first.

The dashboard draws one sparkline per indicator row (50 a page). Building each as a plotly
figure and writing it as JSON took about half the page's server time (cProfile on the demo);
the same sparklines come back on every visit until the next recompute.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .figures import sparkline
from .tables import FigureJSON

# Entries per process: about 3 KB each, so at most about 6 MB. Enough for every indicator's
# sparkline in a few months and languages.
SPARKLINES_KEPT = 2048


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
